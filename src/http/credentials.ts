/** AWS credentials for SigV4. Never logged, never put in errors or events. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  /** Epoch ms after which the credentials are no longer valid, when known. */
  readonly expiresAt?: number | undefined;
}

/** A source of credentials that caches and refreshes as it sees fit. */
export interface CredentialsProvider {
  /** Current credentials; rejects with CredentialsError. */
  get(signal?: AbortSignal): Promise<AwsCredentials>;
  /** Drops cached credentials (e.g. after an ExpiredToken answer) so the next get() refreshes. */
  invalidate(): void;
}
