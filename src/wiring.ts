import type { Clock } from './clock.js';
import type { ResolvedAgentOptions } from './config/resolve.js';
import type { CredentialsConfig } from './config/schema.js';
import { ConfigError } from './errors.js';
import type { CredentialsProvider } from './http/credentials.js';
import {
  environmentCredentials,
  greengrassCredentials,
  iotCredentialsProvider,
  staticCredentials,
} from './http/credential-providers.js';
import { JobsHttpClient } from './http/jobs-http-client.js';
import type { ExecutionListSource } from './reconcile/source.js';

/**
 * The agent's HTTP side: credentials as the config names them, and the reconcile listing. Heavy
 * (the SigV4 signer and the credential providers), so the agent imports it on its first
 * reconcile (lazy-list-source.ts); the CLI's `list` imports it directly.
 */

/** Credentials as the config names them. */
export function createCredentialsProvider(
  config: CredentialsConfig,
  options: ResolvedAgentOptions,
  clock: Clock,
): CredentialsProvider {
  switch (config.source) {
    case 'static':
      return staticCredentials(config);
    case 'env':
      return environmentCredentials();
    case 'greengrass':
      return greengrassCredentials({ clock });
    case 'iot-credentials-provider': {
      // resolveAgentOptions refuses this source without certificates; this narrows the type.
      if (!options.tls)
        throw ConfigError.forField('reconcile.credentials.source', 'needs the device certificate');
      return iotCredentialsProvider({
        endpoint: config.endpoint,
        roleAlias: config.roleAlias,
        thingName: options.thingName,
        cert: options.tls.cert,
        key: options.tls.key,
        ...(options.tls.ca ? { ca: options.tls.ca } : {}),
        ...(options.tls.passphrase !== undefined ? { passphrase: options.tls.passphrase } : {}),
        clock,
      });
    }
  }
}

/** The reconcile listing over HTTPS, ListJobExecutionsForThing every page, for the `reconcile` section. */
export function createListSource(
  options: ResolvedAgentOptions,
  reconcile: NonNullable<ResolvedAgentOptions['reconcile']>,
  overrides: { readonly credentials?: CredentialsProvider; readonly fetch?: typeof fetch },
  clock: Clock,
  random: () => number,
): ExecutionListSource {
  const client = new JobsHttpClient({
    endpoint: reconcile.endpoint,
    region: reconcile.region,
    thingName: options.thingName,
    credentials: overrides.credentials ?? createCredentialsProvider(reconcile.credentials, options, clock),
    clock,
    random,
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
  });
  const namespaceId = options.namespaceId;
  return {
    listAll: (signal) =>
      client.listAll(
        { maxResults: reconcile.pageSize, ...(namespaceId !== undefined ? { namespaceId } : {}) },
        signal,
      ),
  };
}
