import type { JobsAgentEvents } from '../events.js';
import type { JobExecution } from '../protocol/types.js';

/** ANSI styling, used only on a terminal. */
const style = {
  dim: (text: string) => `\u001b[2m${text}\u001b[22m`,
  bold: (text: string) => `\u001b[1m${text}\u001b[22m`,
  green: (text: string) => `\u001b[32m${text}\u001b[39m`,
  yellow: (text: string) => `\u001b[33m${text}\u001b[39m`,
  red: (text: string) => `\u001b[31m${text}\u001b[39m`,
  cyan: (text: string) => `\u001b[36m${text}\u001b[39m`,
};

function clock(at: Date): string {
  return style.dim(at.toISOString().slice(11, 23));
}

function statusColour(status: string): string {
  if (status === 'SUCCEEDED') return style.green(status);
  if (status === 'QUEUED' || status === 'IN_PROGRESS') return style.cyan(status);
  return style.yellow(status);
}

function describeExecution(execution: JobExecution): string {
  const operation =
    typeof execution.jobDocument === 'object' && typeof execution.jobDocument['operation'] === 'string'
      ? style.dim(` (${execution.jobDocument['operation']})`)
      : '';
  return `${style.bold(execution.jobId)} ${statusColour(execution.status)}${operation}`;
}

type Renderers = { readonly [E in keyof JobsAgentEvents]?: (payload: JobsAgentEvents[E][0]) => string };

/** How each event reads on a terminal; events without an entry get a generic line. */
const RENDERERS: Renderers = {
  connected: (p) => `${style.green('● connected')} ${style.dim(`(session present: ${p.sessionPresent})`)}`,
  disconnected: (p) => `${style.red('○ disconnected')} ${style.dim(p.reason)}`,
  executionAdded: (p) =>
    `${style.green('+')} ${describeExecution(p.execution)} ${style.dim(`via ${p.source}`)}`,
  executionUpdated: (p) =>
    p.previousStatus === p.execution.status
      ? `${style.dim('~')} ${describeExecution(p.execution)} ${style.dim(`${p.changedFields.join(', ')} via ${p.source}`)}`
      : `${style.yellow('~')} ${describeExecution(p.execution)} ${style.dim(`was ${p.previousStatus}, via ${p.source}`)}`,
  executionRemoved: (p) =>
    `${style.red('-')} ${style.bold(p.jobId)} ${style.dim('removed (deleted in the service)')}`,
  nextExecutionChanged: (p) =>
    `${style.dim('→ next:')} ${p.execution ? describeExecution(p.execution) : style.dim('nothing pending')}`,
  reconciled: (p) =>
    `${style.green('✓ reconciled')} +${p.added} ~${p.updated} -${p.removed}, ${p.total} cached ${style.dim(`(${p.durationMs} ms)`)}`,
  jobStarted: (p) =>
    `${style.cyan('▷ run')} ${style.bold(p.jobId)} ${style.dim(`${p.operation}${p.resuming ? ', resuming' : ''}`)}`,
  jobProgress: (p) =>
    `${style.dim('… progress')} ${style.bold(p.jobId)} ${style.dim(JSON.stringify(p.statusDetails))}`,
  jobSucceeded: (p) =>
    `${style.green('✔ done')} ${style.bold(p.jobId)} ${style.dim(`in ${p.durationMs} ms`)}`,
  jobFailed: (p) => `${style.red('✘ failed')} ${style.bold(p.jobId)} ${p.reason ?? ''}`,
  jobRejected: (p) => `${style.red('✘ rejected')} ${style.bold(p.jobId)} ${p.reason}`,
  jobCanceled: (p) => `${style.yellow('■ canceled')} ${style.bold(p.jobId)} ${style.dim('handler aborted')}`,
  jobTimedOut: (p) =>
    `${style.yellow('■ timed out')} ${style.bold(p.jobId)} ${style.dim(`(${p.detectedBy})`)}`,
  error: (p) => `${style.red(`! ${p.code}`)} ${p.message}`,
};

/** One agent event as a human-readable terminal line. */
export function renderEvent<E extends keyof JobsAgentEvents>(
  event: E,
  payload: JobsAgentEvents[E][0],
): string {
  const render = RENDERERS[event] as ((payload: JobsAgentEvents[E][0]) => string) | undefined;
  const { at, ...rest } = payload;
  const body = render ? render(payload) : `${style.bold(event)} ${style.dim(JSON.stringify(rest))}`;
  return `${clock(at)}  ${body}`;
}

/** A narration line of the demo script. */
export function renderStep(text: string): string {
  return `\n${style.bold('▶')} ${text}`;
}
