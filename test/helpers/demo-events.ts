type Milestone = (event: Record<string, unknown>) => boolean;

/** The milestones of the demo script, in the order they must appear in its NDJSON. */
export const DEMO_MILESTONES: readonly Milestone[] = [
  (e) => e['event'] === 'connected',
  (e) => e['event'] === 'executionAdded' && jobIdOf(e) === 'welcome',
  (e) => e['event'] === 'jobStarted' && e['jobId'] === 'welcome',
  (e) => e['event'] === 'jobSucceeded' && e['jobId'] === 'welcome',
  (e) => e['event'] === 'executionAdded' && jobIdOf(e) === 'firmware-2-1',
  (e) => e['event'] === 'executionUpdated' && jobIdOf(e) === 'firmware-2-1' && statusOf(e) === 'CANCELED',
  (e) => e['event'] === 'executionAdded' && jobIdOf(e) === 'config-update' && e['source'] === 'reconcile',
  (e) => e['event'] === 'jobSucceeded' && e['jobId'] === 'config-update',
  (e) => e['event'] === 'executionRemoved' && e['jobId'] === 'welcome',
];

function jobIdOf(event: Record<string, unknown>): unknown {
  return (event['execution'] as Record<string, unknown> | undefined)?.['jobId'];
}

function statusOf(event: Record<string, unknown>): unknown {
  return (event['execution'] as Record<string, unknown> | undefined)?.['status'];
}

/** How many milestones appear, in order, in the NDJSON lines. */
export function milestonesReached(lines: readonly string[]): number {
  let reached = 0;
  for (const line of lines) {
    const milestone = DEMO_MILESTONES[reached];
    if (milestone?.(JSON.parse(line) as Record<string, unknown>)) reached++;
  }
  return reached;
}
