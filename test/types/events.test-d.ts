import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type {
  Checkpoint,
  ExecutionSource,
  JobCanceledEvent,
  JobContext,
  JobDocumentObject,
  JobExecution,
  JobFailedEvent,
  JobLifecycleEventName,
  JobProgressEvent,
  JobRejectedEvent,
  JobStartedEvent,
  JobSucceededEvent,
  JobTimedOutEvent,
  JobsAgent,
  JobsAgentEventName,
  PendingExecutions,
  StatusDetails,
} from '../../src/index.js';

declare const agent: JobsAgent;

describe('job lifecycle event typings', () => {
  it('types every lifecycle listener with its payload', () => {
    agent.on('jobStarted', (event) => {
      expectTypeOf(event).toEqualTypeOf<JobStartedEvent>();
      expectTypeOf(event.resuming).toEqualTypeOf<boolean>();
      expectTypeOf(event.execution).toEqualTypeOf<JobExecution>();
      expectTypeOf(event.at).toEqualTypeOf<Date>();
    });
    agent.on('jobProgress', (event) => {
      expectTypeOf(event).toEqualTypeOf<JobProgressEvent>();
      expectTypeOf(event.statusDetails).toEqualTypeOf<StatusDetails>();
    });
    agent.on('jobSucceeded', (event) => {
      expectTypeOf(event).toEqualTypeOf<JobSucceededEvent>();
      expectTypeOf(event.durationMs).toEqualTypeOf<number>();
    });
    agent.on('jobFailed', (event) => {
      expectTypeOf(event).toEqualTypeOf<JobFailedEvent>();
      expectTypeOf(event.interrupted).toEqualTypeOf<boolean>();
    });
    agent.on('jobRejected', (event) => {
      expectTypeOf(event).toEqualTypeOf<JobRejectedEvent>();
      expectTypeOf(event.reason).toEqualTypeOf<string>();
    });
    agent.on('jobCanceled', (event) => {
      expectTypeOf(event).toEqualTypeOf<JobCanceledEvent>();
      expectTypeOf(event.deleted).toEqualTypeOf<boolean>();
    });
    agent.on('jobTimedOut', (event) => {
      expectTypeOf(event).toEqualTypeOf<JobTimedOutEvent>();
      expectTypeOf(event.detectedBy).toEqualTypeOf<'watchdog' | 'service'>();
    });
  });

  it('counts the lifecycle events among the agent events', () => {
    expectTypeOf<JobLifecycleEventName>().toExtend<JobsAgentEventName>();
    expectTypeOf<'local' | 'update' | 'start-next'>().toExtend<ExecutionSource>();
  });

  it('refuses a listener with the wrong payload', () => {
    // @ts-expect-error jobStarted carries a JobStartedEvent, not a JobFailedEvent
    agent.on('jobStarted', (event: JobFailedEvent) => event);
  });
});

describe('handle() typings', () => {
  it('infers the document type from a zod schema', () => {
    const schema = z.object({ operation: z.literal('download'), url: z.url(), sha256: z.string() });
    agent.handle(
      'download',
      ({ document, signal, resuming, checkpoint }) => {
        expectTypeOf(document).toEqualTypeOf<{ operation: 'download'; url: string; sha256: string }>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(resuming).toEqualTypeOf<boolean>();
        expectTypeOf(checkpoint).toEqualTypeOf<Checkpoint | undefined>();
      },
      { schema },
    );
  });

  it('infers the document type from a validator function with a typed parameter', () => {
    agent.handle(
      'reboot',
      ({ document }) => {
        expectTypeOf(document).toEqualTypeOf<{ delaySeconds: number }>();
      },
      { schema: (raw: JobDocumentObject) => ({ delaySeconds: Number(raw['delaySeconds']) }) },
    );
  });

  it('gives the raw document object without a schema', () => {
    agent.handle('any', (context) => {
      expectTypeOf(context).toEqualTypeOf<JobContext<Readonly<Record<string, unknown>>>>();
    });
  });

  it('accepts async handlers that return nothing or a result', () => {
    agent.handle('a', async () => {
      await Promise.resolve();
    });
    agent.handle('b', () => ({ status: 'FAILED', statusDetails: { why: 'no' } }));
    // @ts-expect-error a handler cannot report a status the device may not set
    agent.handle('c', () => ({ status: 'CANCELED' }));
  });

  it('types progress details as strings only', () => {
    agent.handle('p', ({ progress }) => {
      progress({ percent: '50' }, { stepTimeoutInMinutes: 5 });
      // @ts-expect-error statusDetails values are strings
      progress({ percent: 50 });
    });
  });
});

describe('request typings', () => {
  it('types the request methods', () => {
    expectTypeOf(agent.getPending()).toEqualTypeOf<Promise<PendingExecutions>>();
    expectTypeOf(agent.describe('$next')).toEqualTypeOf<Promise<JobExecution | null>>();
    expectTypeOf(agent.startNext()).toEqualTypeOf<Promise<JobExecution | null>>();
    expectTypeOf(agent.update('j', 'SUCCEEDED')).toEqualTypeOf<Promise<JobExecution>>();
    // @ts-expect-error QUEUED is not a status a device may set
    void agent.update('j', 'QUEUED');
  });
});
