/**
 * Fleet simulation: N agents in this one process against mosquitto (mutual TLS), a jobs
 * responder and a ListJobExecutionsForThing stub in a separate process. Measures memory per
 * agent, reconcile calls per second with startup jitter against a budget, and the reconnect
 * storm after a broker restart.
 *
 *   npm run fleet -- --agents 1000 [--budget 100] [--json FILE]   (bench/results/fleet-N.json by default)
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { JobsAgent } from '../../src/agent.js';
import { CERTS_DIR } from '../../test/helpers/certs.js';
import ensureCerts from '../../test/helpers/ensure-certs.js';
import { findMosquitto, startMosquitto } from '../../test/helpers/mosquitto.js';
import { sampleStalls, stallsPerSecond, type StallSample } from './stalls.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    budget: { type: 'string', default: '100' },
    batch: { type: 'string', default: '100' },
    json: { type: 'string' },
  },
});
const N = Number(values.agents);
const BUDGET = Number(values.budget);
const BATCH = Number(values.batch);
// The jitter window is sized so that the fleet's calls, N of them spread at random over the window,
// stay under the budget in every second. Random arrivals at a mean rate r vary by about √r from
// second to second, so the mean is kept four of those below it: r = B − 4√B (60/s for 100/s).
// The interval repeats the window.
const SAFE_RATE = BUDGET - 4 * Math.sqrt(BUDGET);
const JITTER_S = Math.max(10, Math.ceil(N / SAFE_RATE));
const INTERVAL_S = JITTER_S;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const gc = (globalThis as { gc?: () => void }).gc;
function memory(): { heap: number; rss: number } {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

/** Events per 1-second bucket from `t0`, as counts. */
function perSecond(times: readonly number[], t0: number): number[] {
  const buckets: number[] = [];
  for (const at of times) {
    const index = Math.floor((at - t0) / 1000);
    if (index < 0) continue;
    while (buckets.length <= index) buckets.push(0);
    buckets[index] = (buckets[index] ?? 0) + 1;
  }
  return buckets;
}

const fleetStalls = sampleStalls();

function describeOver(seconds: readonly { second: number; calls: number; lagMs: number }[]): string {
  if (seconds.length === 0) return 'never';
  return seconds
    .map(
      ({ second, calls, lagMs }) => `second ${second}: ${calls} calls (the simulation stalled ${lagMs} ms)`,
    )
    .join(', ');
}

/** The seconds over `budget`, each with the worst stall of this process in it. */
function overBudget(
  counts: readonly number[],
  lags: readonly number[],
): { second: number; calls: number; lagMs: number }[] {
  return counts.flatMap((calls, second) =>
    calls > BUDGET ? [{ second, calls, lagMs: lags[second] ?? Number.NaN }] : [],
  );
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

if (!findMosquitto()) {
  log('mosquitto is not installed: apt-get install -y --no-install-recommends mosquitto');
  process.exit(2);
}
await ensureCerts();
const mosquitto = await startMosquitto();
const services = fork(
  join(import.meta.dirname, 'services.ts'),
  [JSON.stringify({ mqttPort: mosquitto.port, certsDir: CERTS_DIR })],
  {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  },
);
const [ready] = (await once(services, 'message')) as [{ httpPort: number }];
/** The stub's stalls, as of the last fetch of its calls. */
let stubStalls: readonly StallSample[] = [];
const fetchCalls = async (): Promise<number[]> => {
  services.send({ type: 'calls' });
  const [reply] = (await once(services, 'message')) as [{ calls: number[]; stalls: StallSample[] }];
  stubStalls = reply.stalls;
  return reply.calls;
};
/** The longer stall of the two processes in each second from `t0`. */
const stallsOf = (t0: number, seconds: number): number[] => {
  const stub = stallsPerSecond(stubStalls, t0, seconds);
  return stallsPerSecond(fleetStalls, t0, seconds).map((ms, i) => Math.max(ms, stub[i] ?? 0));
};

log(
  `fleet: ${N} agents, mosquitto :${mosquitto.port}, budget ${BUDGET} reconciles/s, startup jitter ${JITTER_S} s, interval ${INTERVAL_S} s ±10%`,
);
const before = memory();
const connectedAt: number[][] = Array.from({ length: N }, () => []);
let errors = 0;
const agents = Array.from({ length: N }, (_, i) => {
  const thingName = `fleet-${String(i).padStart(5, '0')}`;
  const agent = new JobsAgent({
    thingName,
    transport: 'mqtt',
    mqtt: {
      url: `mqtts://localhost:${mosquitto.port}`,
      caFile: join(CERTS_DIR, 'ca.pem'),
      certFile: join(CERTS_DIR, 'device.pem'),
      keyFile: join(CERTS_DIR, 'device.key'),
      connectTimeoutMs: 60_000,
    },
    reconcile: {
      endpoint: `http://127.0.0.1:${ready.httpPort}`,
      region: 'us-east-1',
      intervalSeconds: INTERVAL_S,
      jitterRatio: 0.1,
      startupJitterSeconds: JITTER_S,
      credentials: { accessKeyId: 'AKIDFLEET', secretAccessKey: 'fleet-secret-key' },
    },
    requestTimeoutMs: 60_000,
  });
  agent.on('connected', () => connectedAt[i]?.push(Date.now()));
  agent.on('error', () => errors++);
  return agent;
});

const t0 = Date.now();
for (let i = 0; i < N; i += BATCH)
  await Promise.all(agents.slice(i, i + BATCH).map((agent) => agent.start()));
const startSeconds = (Date.now() - t0) / 1000;
log(`started in ${startSeconds.toFixed(1)} s`);

// Reconcile rate: one startup-jitter window plus one interval.
const observeUntil = t0 + (JITTER_S + INTERVAL_S * 1.1 + 2) * 1000;
while (Date.now() < observeUntil) await new Promise((resolve) => setTimeout(resolve, 500));
const reconcileCalls = await fetchCalls();
const rate = perSecond(reconcileCalls, t0);
const rateLag = stallsOf(t0, rate.length);
const reconcile = {
  calls: reconcileCalls.length,
  windowSeconds: rate.length,
  peakPerSecond: Math.max(0, ...rate),
  meanPerSecond: reconcileCalls.length / Math.max(1, rate.length),
  overBudget: overBudget(rate, rateLag),
  perSecond: rate,
  stallMsPerSecond: rateLag,
};
log(
  `reconciles: ${reconcile.calls} calls in ${rate.length} s, peak ${reconcile.peakPerSecond}/s, mean ${reconcile.meanPerSecond.toFixed(1)}/s; over the budget of ${BUDGET}/s: ${describeOver(reconcile.overBudget)}`,
);

// Memory once the window is over: the forced GCs stall the event loop, and in the window that
// stall would bunch the agents' reconcile timers into one burst no real fleet makes.
const after = memory();
const perAgent = { heapBytes: (after.heap - before.heap) / N, rssBytes: (after.rss - before.rss) / N };
log(
  `per agent after a reconcile round: heap ${(perAgent.heapBytes / 1024).toFixed(0)} KiB, RSS ${(perAgent.rssBytes / 1024).toFixed(0)} KiB`,
);

// Broker restart and the reconnect storm.
const connectedBefore = connectedAt.map((times) => times.length);
const restartAt = Date.now();
await mosquitto.restart();
const brokerBackMs = Date.now() - restartAt;
const deadline = Date.now() + 600_000;
while (connectedAt.some((times, i) => times.length <= (connectedBefore[i] ?? 0)) && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const reconnects = connectedAt.flatMap((times, i) =>
  times.slice(connectedBefore[i] ?? 0, (connectedBefore[i] ?? 0) + 1),
);
const back = reconnects.map((at) => at - restartAt).sort((a, b) => a - b);
const storm = perSecond(reconnects, restartAt);
// The reconcile after a reconnect comes within the startup jitter: watch all of it.
await new Promise((resolve) => setTimeout(resolve, (JITTER_S + 2) * 1000));
const stormCalls = perSecond(
  (await fetchCalls()).filter((at) => at >= restartAt),
  restartAt,
);
const restart = {
  brokerBackMs,
  reconnected: reconnects.length,
  allBackMs: back.at(-1) ?? Number.NaN,
  p50BackMs: percentile(back, 50),
  p90BackMs: percentile(back, 90),
  peakConnectsPerSecond: Math.max(0, ...storm),
  connectsPerSecond: storm,
  reconcilesAfterRestartPerSecond: stormCalls,
  peakReconcilesAfterRestart: Math.max(0, ...stormCalls),
  reconcilesOverBudget: overBudget(stormCalls, stallsOf(restartAt, stormCalls.length)),
  stallMsPerSecond: stallsOf(restartAt, Math.max(stormCalls.length, storm.length)),
};
log(
  `restart: broker back in ${brokerBackMs} ms; ${reconnects.length}/${N} reconnected, all back after ${(restart.allBackMs / 1000).toFixed(1)} s (p50 ${(restart.p50BackMs / 1000).toFixed(1)} s), peak ${restart.peakConnectsPerSecond} connects/s; reconciles after it peak ${restart.peakReconcilesAfterRestart}/s, over the budget: ${describeOver(restart.reconcilesOverBudget)}`,
);

for (let i = 0; i < N; i += BATCH * 5)
  await Promise.all(agents.slice(i, i + BATCH * 5).map((agent) => agent.stop()));
services.send({ type: 'exit' });
await once(services, 'exit');
await mosquitto.close();

const result = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  agents: N,
  budgetPerSecond: BUDGET,
  startupJitterSeconds: JITTER_S,
  intervalSeconds: INTERVAL_S,
  startSeconds,
  perAgent,
  reconcile,
  restart,
  backgroundErrors: errors,
};
const out = values.json ?? join(import.meta.dirname, '..', 'results', `fleet-${N}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
log(`wrote ${out}`);
process.stdout.write(
  `${JSON.stringify({ agents: N, startSeconds, perAgentKiB: perAgent.heapBytes / 1024, rssPerAgentKiB: perAgent.rssBytes / 1024, reconcilePeak: reconcile.peakPerSecond, restartAllBackS: restart.allBackMs / 1000, peakConnectsPerSecond: restart.peakConnectsPerSecond })}\n`,
);
