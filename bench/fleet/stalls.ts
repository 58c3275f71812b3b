import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Event-loop stalls of a fleet process, for reading a burst of calls beside its cause. The fleet
 * shares one loop (a real fleet has a CPU per device), and so does the stub that counts the calls:
 * timers that fall due during a stall fire together at its end, and calls that arrive while the
 * stub is starved are counted together when it runs again.
 */
export interface StallSample {
  /** Epoch ms the sample was taken, when the stall it saw had ended. */
  readonly at: number;
  /** The longest stall (ms) since the previous sample. */
  readonly maxMs: number;
}

/** Starts sampling this process's stalls every 250 ms; returns the samples so far (a live list). */
export function sampleStalls(): readonly StallSample[] {
  const samples: StallSample[] = [];
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  setInterval(() => {
    samples.push({ at: Date.now(), maxMs: delay.max / 1e6 });
    delay.reset();
  }, 250).unref();
  return samples;
}

/**
 * The longest stall (ms) in each 1-second bucket from `t0`. A stall counts in every second it
 * covered, which a stall of seconds leaves without a sample of its own.
 */
export function stallsPerSecond(samples: readonly StallSample[], t0: number, seconds: number): number[] {
  const buckets = Array.from({ length: seconds }, () => 0);
  for (const { at, maxMs } of samples) {
    const first = Math.max(0, Math.floor((at - maxMs - t0) / 1000));
    const last = Math.min(seconds - 1, Math.floor((at - t0) / 1000));
    for (let second = first; second <= last; second++) {
      buckets[second] = Math.max(buckets[second] ?? 0, Math.round(maxMs));
    }
  }
  return buckets;
}
