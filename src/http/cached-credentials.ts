import { type Clock, systemClock } from '../clock.js';
import { AbortedError, CredentialsError, describeError } from '../errors.js';
import type { AwsCredentials, CredentialsProvider } from './credentials.js';

/** Fetches fresh credentials once; rejects with CredentialsError. */
export type CredentialsLoader = () => Promise<AwsCredentials>;

export interface CachedCredentialsOptions {
  /** Names the source in errors (`iot-credentials-provider`, `greengrass`, ...). */
  readonly source: string;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /**
   * Refresh this long before `expiresAt` (or at half the lifetime, when that is later, so short
   * lived credentials are not refetched on every call).
   * @default 300_000 (5 minutes, as the AWS SDKs do)
   */
  readonly refreshMarginMs?: number | undefined;
}

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

interface Entry {
  readonly credentials: AwsCredentials;
  /** Epoch ms after which get() fetches again; Infinity when the credentials never expire. */
  readonly refreshAt: number;
}

/**
 * A CredentialsProvider that caches what `load` returns until shortly before it expires.
 * Concurrent get() calls share one fetch. A caller's AbortSignal stops only that caller's wait:
 * the shared fetch goes on for the others (each loader bounds its own time).
 */
export class CachedCredentialsProvider implements CredentialsProvider {
  readonly #load: CredentialsLoader;
  readonly #source: string;
  readonly #clock: Clock;
  readonly #marginMs: number;
  #entry: Entry | undefined;
  #inflight: Promise<AwsCredentials> | undefined;
  // Bumped by invalidate(): a fetch started before it must not repopulate the cache.
  #generation = 0;

  constructor(load: CredentialsLoader, options: CachedCredentialsOptions) {
    this.#load = load;
    this.#source = options.source;
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  }

  get(signal?: AbortSignal): Promise<AwsCredentials> {
    if (signal?.aborted) return Promise.reject(new AbortedError('credentials', { cause: signal.reason }));
    const entry = this.#entry;
    if (entry && this.#clock.now() < entry.refreshAt) return Promise.resolve(entry.credentials);
    this.#inflight ??= this.#fetch();
    return signal ? raceAbort(this.#inflight, signal) : this.#inflight;
  }

  invalidate(): void {
    this.#generation++;
    this.#entry = undefined;
    this.#inflight = undefined;
  }

  async #fetch(): Promise<AwsCredentials> {
    const generation = this.#generation;
    try {
      const credentials = await this.#loadChecked();
      if (generation === this.#generation) {
        this.#entry = { credentials, refreshAt: this.#refreshAt(credentials) };
      }
      return credentials;
    } finally {
      if (generation === this.#generation) this.#inflight = undefined;
    }
  }

  async #loadChecked(): Promise<AwsCredentials> {
    let credentials: AwsCredentials;
    try {
      credentials = await this.#load();
    } catch (error) {
      if (error instanceof CredentialsError) throw error;
      throw new CredentialsError(this.#source, describeError(error), { cause: error });
    }
    if (credentials.expiresAt !== undefined && credentials.expiresAt <= this.#clock.now()) {
      throw new CredentialsError(
        this.#source,
        `received credentials that expired at ${new Date(credentials.expiresAt).toISOString()} (is the device clock right?)`,
      );
    }
    return credentials;
  }

  #refreshAt(credentials: AwsCredentials): number {
    if (credentials.expiresAt === undefined) return Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    const halfLife = now + (credentials.expiresAt - now) / 2;
    return Math.max(credentials.expiresAt - this.#marginMs, halfLife);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(new AbortedError('credentials', { cause: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
