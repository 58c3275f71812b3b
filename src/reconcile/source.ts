import type { JobExecution } from '../protocol/types.js';

/**
 * Where a reconcile gets the complete list of the thing's executions (the HTTP client's
 * ListJobExecutionsForThing, every page). The reconciler owns this interface; `agent.ts` passes
 * the implementation in.
 */
export interface ExecutionListSource {
  /**
   * Every execution of the thing. Resolves only with a complete listing; any failed page rejects
   * (typed error), so a partial listing can never be applied.
   */
  listAll(signal: AbortSignal): Promise<readonly JobExecution[]>;
}
