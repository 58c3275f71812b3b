import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** moto routes IoT requests by the SigV4 scope; these are the values the seeding script signs with. */
export const MOTO_REGION = 'us-east-1';
/** moto does not verify signatures; any non-empty keys do. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

const SEED_SCRIPT = fileURLToPath(new URL('../../scripts/moto-seed.py', import.meta.url));
const STDERR_TAIL_CHARS = 4_000;

/** A moto_server child process on 127.0.0.1. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`, the base URL for boto3 and for the agent's HTTP client. */
  readonly endpoint: string;
  readonly port: number;
  /** Clears every backend (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Kills the process and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for the server to answer. @default 30000 */
  readonly startTimeoutMs?: number;
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` and resolves once it answers. Picking a free
 * port and handing it to another process is racy, so a server that exits before answering is
 * retried on a new port (three tries).
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(port, timeoutMs);
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error('moto_server did not start after 3 attempts', { cause: lastError });
}

async function launch(port: number, timeoutMs: number): Promise<MotoServer> {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Werkzeug logs a line per request; the pipes must be drained or moto blocks on a full pipe.
  let stderrTail = '';
  const keepTail = (chunk: Buffer): void => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  // If the test process dies without afterAll, take the server down with it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) throw new Error(`cannot run moto_server: ${spawnError.message}`, { cause: spawnError });
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `moto_server exited (${child.exitCode ?? child.signalCode}) before answering:\n${stderrTail}`,
      );
    }
    if (await answers(endpoint)) break;
    if (Date.now() > deadline) {
      await kill(child, exited);
      throw new Error(`moto_server did not answer within ${timeoutMs} ms:\n${stderrTail}`);
    }
    await delay(100);
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    reset: () => resetMoto(endpoint),
    stop: () => (stopped ??= kill(child, exited)),
  };
}

/** `POST /moto-api/reset`: forgets every thing, job and execution. */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

export interface SeedResult {
  readonly thingArn: string;
  /** In creation order: `${prefix}0000`, `${prefix}0001`, ... */
  readonly jobIds: readonly string[];
}

export interface SeedOptions {
  /** @default 'job-' */
  readonly prefix?: string;
  /** The index of the first job. @default 0 */
  readonly start?: number;
}

/**
 * Creates the thing (unless it exists) and `count` jobs targeting it through boto3. Each job's
 * document is `{"operation":"interop-test","index":i}`; each execution starts QUEUED.
 * Takes about 4 s for 600 jobs. Thing names with ':' are refused (a moto limitation).
 */
export async function seedJobs(
  endpoint: string,
  thingName: string,
  count: number,
  options: SeedOptions = {},
): Promise<SeedResult> {
  if (thingName.includes(':')) {
    // moto derives the thing name from the target ARN by splitting on ':' and '/', so the
    // executions of `a:b` would be filed under `b` and never listed for `a:b`.
    throw new Error(`moto cannot target a thing whose name contains ':' (${thingName})`);
  }
  const args = ['seed', '--endpoint', endpoint, '--thing', thingName, '--count', String(count)];
  if (options.prefix !== undefined) args.push('--prefix', options.prefix);
  if (options.start !== undefined) args.push('--start', String(options.start));
  const output = await runSeedScript(args);
  return parseSeedResult(output);
}

/**
 * Cancels the thing's execution of each job (CancelJobExecution with force), so a listing shows
 * it CANCELED. moto quirk: the execution's `lastUpdatedAt` and `versionNumber` do not change.
 */
export async function cancelExecutions(
  endpoint: string,
  thingName: string,
  jobIds: readonly string[],
): Promise<void> {
  if (jobIds.length === 0) return;
  await runSeedScript(['cancel', '--endpoint', endpoint, '--thing', thingName, ...jobIds]);
}

/** Deletes the thing's execution of each job (DeleteJobExecution with force): gone from listings. */
export async function deleteExecutions(
  endpoint: string,
  thingName: string,
  jobIds: readonly string[],
): Promise<void> {
  if (jobIds.length === 0) return;
  await runSeedScript(['delete', '--endpoint', endpoint, '--thing', thingName, ...jobIds]);
}

/** One execution as botocore lists it (timestamps in epoch seconds). */
export interface BotoExecution {
  readonly jobId: string;
  readonly status: string;
  readonly queuedAt: number;
  readonly lastUpdatedAt: number;
  readonly executionNumber: number;
}

export interface BotoListing {
  readonly executions: readonly BotoExecution[];
  /** Pages botocore's paginator fetched (moto's default page size is 50). */
  readonly pages: number;
}

/**
 * Every execution of the thing through botocore's own paginator: an oracle independent of the
 * agent's HTTP client.
 */
export async function listExecutionsWithBoto(
  endpoint: string,
  thingName: string,
  options: { readonly status?: string } = {},
): Promise<BotoListing> {
  const args = ['list', '--endpoint', endpoint, '--thing', thingName];
  if (options.status !== undefined) args.push('--status', options.status);
  const parsed: unknown = JSON.parse(await runSeedScript(args));
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    'executions' in parsed &&
    Array.isArray(parsed.executions) &&
    'pages' in parsed &&
    typeof parsed.pages === 'number'
  ) {
    return { executions: parsed.executions.map(toBotoExecution), pages: parsed.pages };
  }
  throw new Error('unexpected moto-seed.py list output');
}

function toBotoExecution(value: unknown): BotoExecution {
  if (
    typeof value === 'object' &&
    value !== null &&
    'jobId' in value &&
    typeof value.jobId === 'string' &&
    'status' in value &&
    typeof value.status === 'string' &&
    'queuedAt' in value &&
    typeof value.queuedAt === 'number' &&
    'lastUpdatedAt' in value &&
    typeof value.lastUpdatedAt === 'number' &&
    'executionNumber' in value &&
    typeof value.executionNumber === 'number'
  ) {
    const { jobId, status, queuedAt, lastUpdatedAt, executionNumber } = value;
    return { jobId, status, queuedAt, lastUpdatedAt, executionNumber };
  }
  throw new Error(`unexpected execution in moto-seed.py list output: ${JSON.stringify(value)}`);
}

async function runSeedScript(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('python3', [SEED_SCRIPT, ...args], {
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    return stdout;
  } catch (error) {
    const stderr =
      typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`moto-seed.py ${args[0] ?? ''} failed:\n${stderr.slice(-STDERR_TAIL_CHARS)}`, {
      cause: error,
    });
  }
}

function parseSeedResult(output: string): SeedResult {
  const parsed: unknown = JSON.parse(output);
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    'thingArn' in parsed &&
    typeof parsed.thingArn === 'string' &&
    'jobIds' in parsed &&
    Array.isArray(parsed.jobIds) &&
    parsed.jobIds.every((id: unknown) => typeof id === 'string')
  ) {
    return { thingArn: parsed.thingArn, jobIds: parsed.jobIds };
  }
  throw new Error(`unexpected moto-seed.py output: ${output.slice(0, 200)}`);
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await resetMoto(endpoint);
    return true;
  } catch {
    return false;
  }
}

async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(forced);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        if (port > 0) resolve(port);
        else reject(new Error('could not read the free port'));
      });
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
