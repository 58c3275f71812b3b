import type { Clock } from './clock.js';
import type { ResolvedAgentOptions } from './config/resolve.js';
import type { CredentialsProvider } from './http/credentials.js';
import type { ExecutionListSource } from './reconcile/source.js';

/**
 * The reconcile listing (ListJobExecutionsForThing over HTTPS), or undefined when the options
 * have no `reconcile` section. The HTTP stack behind it (./wiring.ts: the SigV4 signer, the
 * credential providers, the response schemas) is imported by the first reconcile, so the agent
 * reaches `connected` without it, and an agent without `reconcile` never loads it.
 */
export function lazyListSource(
  options: ResolvedAgentOptions,
  overrides: { readonly credentials?: CredentialsProvider; readonly fetch?: typeof fetch },
  clock: Clock,
  random: () => number,
): ExecutionListSource | undefined {
  const reconcile = options.reconcile;
  if (!reconcile) return undefined;
  let source: Promise<ExecutionListSource> | undefined;
  return {
    listAll: async (signal) => {
      source ??= import('./wiring.js').then(({ createListSource }) =>
        createListSource(options, reconcile, overrides, clock, random),
      );
      return (await source).listAll(signal);
    },
  };
}
