import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as tcpConnect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CERTS_DIR } from './certs.js';

/** Debian's mosquitto (2.0.x): the MQTT 5 broker of the interop tests (aedes speaks only 3.1.1). */
export interface Mosquitto {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `mqtts://localhost:PORT`: the test server certificate's DNS SAN. */
  readonly url: string;
  /** Everything mosquitto printed (for failure messages). */
  output(): string;
  /** Kills and starts mosquitto again on the same port: every connection and session is gone. */
  restart(): Promise<void>;
  /** Stops mosquitto; idempotent. */
  close(): Promise<void>;
}

/** The mosquitto binary (PATH, then Debian's /usr/sbin), or undefined when it is not installed. */
export function findMosquitto(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8' });
  const onPath = which.stdout.trim();
  if (which.status === 0 && onPath !== '') return onPath;
  return ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto'].find((path) => existsSync(path));
}

/** Why the interop suites skip, or undefined when mosquitto is there. CI installs it (.ci/run). */
export function mosquittoSkipReason(): string | undefined {
  return findMosquitto()
    ? undefined
    : 'mosquitto is not installed: apt-get install -y --no-install-recommends mosquitto';
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts mosquitto on 127.0.0.1 with a mutual-TLS listener (test CA, server certificate,
 * `require_certificate true`) on a free port. mosquitto 2.0 has no ephemeral ports (`listener 0`
 * is a unix socket there), so the port is picked by binding port 0 first.
 */
export async function startMosquitto(): Promise<Mosquitto> {
  const binary = findMosquitto();
  if (!binary) throw new Error(mosquittoSkipReason());
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  const lines = [
    // Run as root, mosquitto drops to user "mosquitto", which cannot read the 0600 test key.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'per_listener_settings true',
    'persistence false',
    'log_dest stdout',
    'log_type error',
    'log_type warning',
    'log_type notice',
    `listener ${port} 127.0.0.1`,
    `cafile ${join(CERTS_DIR, 'ca.pem')}`,
    `certfile ${join(CERTS_DIR, 'server.pem')}`,
    `keyfile ${join(CERTS_DIR, 'server.key')}`,
    'require_certificate true',
    'use_identity_as_username true',
    'allow_anonymous true',
  ];
  await writeFile(config, `${lines.join('\n')}\n`);
  let log = '';
  let child: ChildProcess | undefined;
  let closed = false;

  const start = async (): Promise<void> => {
    const proc = spawn(binary, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(proc);
    child = proc;
    const append = (chunk: Buffer): void => {
      log = (log + chunk.toString('utf8')).slice(-20_000);
    };
    proc.stdout.on('data', append);
    proc.stderr.on('data', append);
    proc.once('exit', () => running.delete(proc));
    await waitListening(port, proc, () => log);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc?.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    url: `mqtts://localhost:${port}`,
    output: () => log,
    async restart() {
      if (closed) throw new Error('mosquitto is closed');
      await stop();
      await start();
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once the port accepts TCP connections; rejects if mosquitto exits or 10 s pass. */
async function waitListening(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`mosquitto exited with ${proc.exitCode}: ${log()}`);
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within 10 s: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
