import { describe, expect, it } from 'vitest';
import { isPlainObject, payloadSchemas } from '../../../src/protocol/schemas.js';

describe('payloadSchemas', () => {
  it('builds the schemas once and hands out the same set afterwards', () => {
    expect(payloadSchemas()).toBe(payloadSchemas());
  });

  it('strips unknown fields from an execution but keeps the wire thingName', () => {
    const parsed = payloadSchemas().jobExecutionData.parse({
      jobId: 'j',
      status: 'QUEUED',
      thingName: 'MyThing',
      addedByAwsLater: 1,
    });
    expect(parsed).toStrictEqual({ jobId: 'j', status: 'QUEUED', thingName: 'MyThing' });
  });

  it('reads a 13-digit timestamp as milliseconds', () => {
    const parsed = payloadSchemas().jobExecutionSummary.parse({ jobId: 'j', queuedAt: 1489096123309 });
    expect(parsed.queuedAt).toBe(1489096123.309);
  });

  it('keeps fractional seconds as sent', () => {
    const parsed = payloadSchemas().jobExecutionSummary.parse({ jobId: 'j', lastUpdatedAt: 1517016947.5 });
    expect(parsed.lastUpdatedAt).toBe(1517016947.5);
  });

  it.each([
    ['12', 12],
    [' 12 ', 12],
    ['1e3', 1000],
    ['0', 0],
  ])('reads the numeric string %j as %s', (wire, value) => {
    expect(
      payloadSchemas().jobExecutionState.parse({ status: 'QUEUED', versionNumber: wire }).versionNumber,
    ).toBe(value);
  });

  it.each(['', '0x10', 'Infinity', '12abc', '1,000', '-1', '1.5'])('refuses %j as a count', (wire) => {
    expect(
      payloadSchemas().jobExecutionState.safeParse({ status: 'QUEUED', versionNumber: wire }).success,
    ).toBe(false);
  });

  it.each([-1, Number.MAX_SAFE_INTEGER + 2])('refuses %s as a count', (wire) => {
    expect(
      payloadSchemas().jobExecutionState.safeParse({ status: 'QUEUED', versionNumber: wire }).success,
    ).toBe(false);
  });

  it('refuses a negative timestamp', () => {
    expect(payloadSchemas().jobExecutionSummary.safeParse({ jobId: 'j', queuedAt: -5 }).success).toBe(false);
  });

  it('accepts a job document given as a string', () => {
    expect(payloadSchemas().updateAccepted.parse({ jobDocument: '{"a":1}' }).jobDocument).toBe('{"a":1}');
  });

  it('keeps an object job document by reference', () => {
    const jobDocument = { operation: 'reboot', steps: [1, 2] };
    expect(payloadSchemas().updateAccepted.parse({ jobDocument }).jobDocument).toBe(jobDocument);
  });

  it('accepts any non-empty status string', () => {
    expect(payloadSchemas().jobExecutionState.parse({ status: 'SOMETHING_NEW' }).status).toBe(
      'SOMETHING_NEW',
    );
  });
});

describe('isPlainObject', () => {
  it.each([[{}], [{ a: 1 }], [Object.create(null) as object]])('accepts %j', (value) => {
    expect(isPlainObject(value)).toBe(true);
  });

  it.each([[null], [[]], ['{}'], [1], [undefined], [true]])('refuses %j', (value) => {
    expect(isPlainObject(value)).toBe(false);
  });
});
