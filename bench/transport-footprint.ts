/**
 * Measures what each transport costs on a device: install size (du of the node_modules folders
 * it pulls in) and idle memory (RSS of a separate node process after connect + subscribe to the
 * agent's jobs filters, then a few idle seconds), median of 3 runs, all against one local
 * mosquitto (mutual TLS), which speaks MQTT 3.1.1 and 5.
 *
 *   npx tsx bench/transport-footprint.ts          (needs mosquitto on PATH; prints Markdown)
 *
 * The children run the compiled transports (tsc into node_modules/.cache), not tsx, so no
 * TypeScript tooling sits in the measured processes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { cpus, totalmem, release, arch } from 'node:os';
import { join } from 'node:path';
import ensureCerts from '../test/helpers/ensure-certs.js';
import { CERTS_DIR } from '../test/helpers/certs.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';

const ROOT = join(import.meta.dirname, '..');
const CACHE = join(ROOT, 'node_modules/.cache/iot-jobs-agent-footprint');
const RUNS = 3;
const IDLE_MS = 5_000;

interface Variant {
  readonly label: string;
  readonly kind: 'mqtt' | 'crt' | 'none';
  readonly version: 4 | 5;
}
const VARIANTS: readonly Variant[] = [
  { label: 'node + agent core only (no transport loaded)', kind: 'none', version: 4 },
  { label: 'MqttTransport (MQTT.js), MQTT 3.1.1', kind: 'mqtt', version: 4 },
  { label: 'MqttTransport (MQTT.js), MQTT 5', kind: 'mqtt', version: 5 },
  { label: 'CrtTransport (aws-crt), MQTT 3.1.1', kind: 'crt', version: 4 },
  { label: 'CrtTransport (aws-crt), MQTT 5', kind: 'crt', version: 5 },
];

const CHILD = `
import { readFileSync } from 'node:fs';
const [kind, version, url, certs, idleMs] = process.argv.slice(2);
const read = (name) => readFileSync(certs + '/' + name, 'utf8');
// The agent's core modules are loaded in every variant, as the agent would.
await import('./dist/session.js');
if (kind !== 'none') {
  const { selectTransportFactory } = await import('./dist/transport/select.js');
  const factory = selectTransportFactory({
    transport: kind, clientId: 'test-thing',
    mqtt: { url, protocolVersion: Number(version), keepaliveSeconds: 300, connectTimeoutMs: 10000 },
    tls: { ca: Buffer.from(read('ca.pem')), cert: Buffer.from(read('device.pem')), key: Buffer.from(read('device.key')) },
  }, {});
  const transport = factory({ onMessage() {}, onDisconnect() {} });
  await transport.connect();
  const base = '$aws/things/test-thing/jobs';
  await transport.subscribe([base + '/notify', base + '/notify-next', base + '/get/+', base + '/start-next/+', base + '/+/get/+', base + '/+/update/+']);
  globalThis.keep = transport;
}
await new Promise((resolve) => setTimeout(resolve, Number(idleMs)));
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 200));
const m = process.memoryUsage();
process.stdout.write(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external }) + '\\n');
process.exit(0);
`;

function build(): void {
  mkdirSync(CACHE, { recursive: true });
  try {
    execFileSync(
      'npx',
      [
        'tsc',
        '-p',
        'tsconfig.build.json',
        '--outDir',
        join(CACHE, 'dist'),
        '--declaration',
        'false',
        '--declarationMap',
        'false',
        '--sourceMap',
        'false',
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
  } catch {
    // tsc still emits when files of work in progress elsewhere have type errors.
  }
  if (!existsSync(join(CACHE, 'dist/transport/select.js'))) throw new Error('tsc emitted nothing');
  writeFileSync(join(CACHE, 'child.mjs'), CHILD);
}

function measure(variant: Variant, url: string): Promise<{ rss: number; heapUsed: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        join(CACHE, 'child.mjs'),
        variant.kind,
        String(variant.version),
        url,
        CERTS_DIR,
        String(IDLE_MS),
      ],
      { cwd: CACHE, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as { rss: number; heapUsed: number });
      else reject(new Error(`${variant.label}: child exited ${code}`));
    });
  });
}

/** The package and everything it depends on, as folders of the (flat) node_modules. */
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  const dir = join(ROOT, 'node_modules', name);
  if (!existsSync(dir)) return seen;
  seen.add(name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies ?? {})) closure(dep, seen);
  return seen;
}

function duMiB(names: Iterable<string>): number {
  const dirs = [...names].map((name) => join(ROOT, 'node_modules', name));
  const out = execFileSync('du', ['-sck', ...dirs], { encoding: 'utf8' });
  const total = out.trim().split('\n').at(-1)?.split('\t')[0] ?? '0';
  return Number(total) / 1024;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

await ensureCerts();
build();
const core = closure(
  'zod',
  closure('eventemitter3', closure('@smithy/signature-v4', closure('@smithy/hash-node'))),
);
const mqttOnly = [...closure('mqtt')];
const sdk = [...closure('aws-iot-device-sdk-v2')];
const crtBinaries = execFileSync('du', ['-sk', join(ROOT, 'node_modules/aws-crt/dist/bin')], {
  encoding: 'utf8',
});
const crtBinMiB = Number(crtBinaries.split('\t')[0]) / 1024;

const broker = await startMosquitto();
const rows: string[] = [];
try {
  for (const variant of VARIANTS) {
    const samples = [];
    for (let i = 0; i < RUNS; i++) samples.push(await measure(variant, broker.url));
    rows.push(
      `| ${variant.label} | ${mib(median(samples.map((s) => s.rss)))} | ${mib(median(samples.map((s) => s.heapUsed)))} | ${samples.map((s) => mib(s.rss)).join(', ')} |`,
    );
  }
} finally {
  await broker.close();
}

const mosquittoVersion = execFileSync('sh', ['-c', 'mosquitto -h | head -1'], { encoding: 'utf8' }).trim();
console.log(
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()} ${arch()}, Node ${process.version}, ${mosquittoVersion}.\n`,
);
console.log('| install (node_modules folders, du) | packages | MiB |\n|---|---|---|');
console.log(`| agent core (zod, eventemitter3, @smithy signer) | ${core.size} | ${duMiB(core).toFixed(1)} |`);
console.log(
  `| MQTT.js transport: mqtt + dependencies | ${mqttOnly.length} | ${duMiB(mqttOnly).toFixed(1)} |`,
);
console.log(
  `| CRT and Greengrass IPC transports: aws-iot-device-sdk-v2 + dependencies | ${sdk.length} | ${duMiB(sdk).toFixed(1)} |`,
);
console.log(`| … of which aws-crt prebuilt binaries for 7 platforms | | ${crtBinMiB.toFixed(1)} |\n`);
console.log(
  `| idle after connect + 6 subscriptions, ${IDLE_MS / 1000} s, after gc | RSS MiB (median of ${RUNS}) | heap used MiB | RSS runs |\n|---|---|---|---|`,
);
for (const row of rows) console.log(row);
