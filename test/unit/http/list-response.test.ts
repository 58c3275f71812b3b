import { describe, expect, it } from 'vitest';
import { parseListResponse } from '../../../src/http/list-response.js';

const summary = (jobId: string, fields: Record<string, unknown> = {}): unknown => ({
  jobId,
  jobExecutionSummary: { status: 'QUEUED', queuedAt: 1.517016947e9, executionNumber: 1, ...fields },
});

describe('parseListResponse', () => {
  it('maps summaries to executions with epoch-second doubles kept as sent', () => {
    const result = parseListResponse({
      executionSummaries: [
        summary('job1', {
          status: 'IN_PROGRESS',
          startedAt: 1517017472.25,
          lastUpdatedAt: 1517017472.5,
          retryAttempt: 2,
        }),
      ],
      nextToken: 'tok',
    });
    expect(result).toEqual({
      ok: true,
      page: {
        executions: [
          {
            jobId: 'job1',
            status: 'IN_PROGRESS',
            queuedAt: 1517016947,
            startedAt: 1517017472.25,
            lastUpdatedAt: 1517017472.5,
            executionNumber: 1,
            retryAttempt: 2,
          },
        ],
        nextToken: 'tok',
      },
    });
  });

  it('leaves out fields that are absent or null', () => {
    const result = parseListResponse({
      executionSummaries: [{ jobId: 'j', jobExecutionSummary: { status: 'QUEUED', startedAt: null } }],
    });
    expect(result.ok && result.page.executions[0]).toEqual({ jobId: 'j', status: 'QUEUED' });
  });

  it('keeps an unknown status verbatim', () => {
    const result = parseListResponse({ executionSummaries: [summary('j', { status: 'PAUSED_FOR_LUNCH' })] });
    expect(result.ok && result.page.executions[0]?.status).toBe('PAUSED_FOR_LUNCH');
  });

  it('ignores fields it does not know, such as thingArn', () => {
    const result = parseListResponse({
      executionSummaries: [{ ...(summary('j') as object), thingArn: 'arn:aws:iot:x' }],
    });
    expect(result.ok && Object.keys(result.page.executions[0] ?? {})).not.toContain('thingArn');
  });

  it.each([
    ['a null nextToken', { executionSummaries: [], nextToken: null }],
    ['an empty nextToken', { executionSummaries: [], nextToken: '' }],
    ['no nextToken', { executionSummaries: [] }],
  ])('ends the listing on %s', (_label, body) => {
    const result = parseListResponse(body);
    expect(result.ok && 'nextToken' in result.page).toBe(false);
  });

  it('reads a missing executionSummaries as an empty page', () => {
    expect(parseListResponse({})).toEqual({ ok: true, page: { executions: [] } });
  });

  it.each([
    ['a non-object body', [], 'body'],
    [
      'a missing jobId',
      { executionSummaries: [{ jobExecutionSummary: { status: 'QUEUED' } }] },
      'executionSummaries.0.jobId',
    ],
    [
      'a missing status',
      { executionSummaries: [{ jobId: 'j', jobExecutionSummary: {} }] },
      'executionSummaries.0.jobExecutionSummary.status',
    ],
    [
      'a timestamp as a string',
      { executionSummaries: [summary('j', { queuedAt: '2024-01-01' })] },
      'queuedAt',
    ],
    ['a numeric nextToken', { executionSummaries: [], nextToken: 5 }, 'nextToken'],
  ])('rejects %s, naming where', (_label, body, where) => {
    const result = parseListResponse(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toContain(where);
  });
});
