import { ConfigError, describeError, isJobsAgentError } from '../errors.js';

/** 0 success, 1 a runtime or service failure, 2 bad input or config. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A CLI failure with the exit code it deserves. */
export class CliExit extends Error {
  override name = 'CliExit';
  readonly exitCode: number;

  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The message and exit code for anything a command threw. */
export function exitFor(error: unknown): { readonly code: number; readonly message: string } {
  if (error instanceof CliExit) return { code: error.exitCode, message: error.message };
  if (error instanceof ConfigError) return { code: EXIT_USAGE, message: `config error: ${error.message}` };
  if (isJobsAgentError(error)) return { code: EXIT_FAILURE, message: `${error.code}: ${error.message}` };
  return { code: EXIT_FAILURE, message: describeError(error) };
}
