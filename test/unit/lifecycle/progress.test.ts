import { describe, expect, it } from 'vitest';
import { ProgressCoalescer, type ProgressReport } from '../../../src/lifecycle/progress.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';

function setup(minIntervalMs = 1_000) {
  const clock = new ManualClock();
  const sent: { report: ProgressReport; atMs: number; settle: () => void }[] = [];
  const coalescer = new ProgressCoalescer({
    clock,
    minIntervalMs,
    send: (report) =>
      new Promise<void>((resolve) => {
        sent.push({ report, atMs: clock.now(), settle: resolve });
      }),
  });
  const details = () => sent.map((s) => s.report.statusDetails['n']);
  return { clock, coalescer, sent, details };
}

describe('ProgressCoalescer', () => {
  it('sends the first report at once', () => {
    const { coalescer, details } = setup();
    coalescer.push({ statusDetails: { n: '1' } });
    expect(details()).toEqual(['1']);
  });

  it('keeps one report in flight and sends only the latest of those made meanwhile', async () => {
    const { clock, coalescer, sent, details } = setup(0);
    coalescer.push({ statusDetails: { n: '1' } });
    for (let i = 2; i <= 50; i++) coalescer.push({ statusDetails: { n: String(i) } });
    expect(details()).toEqual(['1']);
    sent[0]?.settle();
    await flushMicrotasks();
    clock.advance(0);
    expect(details()).toEqual(['1', '50']);
  });

  it('spaces sends at least minIntervalMs apart', async () => {
    const { clock, coalescer, sent } = setup(1_000);
    coalescer.push({ statusDetails: { n: '1' } });
    sent[0]?.settle();
    await flushMicrotasks();
    clock.advance(200);
    coalescer.push({ statusDetails: { n: '2' } });
    expect(sent).toHaveLength(1);
    clock.advance(799);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent.map((s) => s.atMs - (sent[0]?.atMs ?? 0))).toEqual([0, 1_000]);
  });

  it('carries a step timeout asked for by a collapsed report', async () => {
    const { clock, coalescer, sent } = setup(0);
    coalescer.push({ statusDetails: { n: '1' } });
    coalescer.push({ statusDetails: { n: '2' }, stepTimeoutInMinutes: 5 });
    coalescer.push({ statusDetails: { n: '3' } });
    sent[0]?.settle();
    await flushMicrotasks();
    clock.advance(0);
    expect(sent[1]?.report).toEqual({ statusDetails: { n: '3' }, stepTimeoutInMinutes: 5 });
  });

  it('keeps sending after a failed delivery', async () => {
    const clock = new ManualClock();
    const attempts: string[] = [];
    const coalescer = new ProgressCoalescer({
      clock,
      minIntervalMs: 0,
      send: (report) => {
        attempts.push(report.statusDetails['n'] ?? '');
        return Promise.reject(new Error('dropped'));
      },
    });
    coalescer.push({ statusDetails: { n: '1' } });
    coalescer.push({ statusDetails: { n: '2' } });
    await flushMicrotasks();
    expect(attempts).toEqual(['1', '2']);
  });

  it('returns the unsent report on close and sends nothing after', async () => {
    const { clock, coalescer, sent } = setup(0);
    coalescer.push({ statusDetails: { n: '1' } });
    coalescer.push({ statusDetails: { n: '2' } });
    expect(coalescer.close()).toEqual({ statusDetails: { n: '2' } });
    sent[0]?.settle();
    await flushMicrotasks();
    clock.advance(10_000);
    coalescer.push({ statusDetails: { n: '3' } });
    expect(sent).toHaveLength(1);
  });
});
