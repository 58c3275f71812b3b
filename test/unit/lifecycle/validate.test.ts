import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  boundedMessage,
  checkpointCopy,
  errorReason,
  failureDetails,
} from '../../../src/lifecycle/outcome.js';
import { documentObject, operationOf, validateDocument } from '../../../src/lifecycle/validate.js';
import { ConfigError } from '../../../src/errors.js';

describe('job documents', () => {
  it.each([
    [{ operation: 'reboot' }, 'reboot'],
    ['{"operation":"install"}', 'install'],
    [{ operation: '' }, undefined],
    [{ operation: 7 }, undefined],
    ['not json', undefined],
    [undefined, undefined],
  ])('reads the operation of %j as %j', (document, operation) => {
    expect(operationOf(documentObject(document))).toBe(operation);
  });

  it('returns what a zod schema parsed', async () => {
    const schema = z.object({ operation: z.string(), size: z.coerce.number() });
    expect(await validateDocument(schema, { operation: 'x', size: '3' })).toEqual({
      ok: true,
      value: { operation: 'x', size: 3 },
    });
  });

  it('names the failing paths of a zod schema', async () => {
    const schema = z.object({ url: z.url(), sha256: z.string().length(64) });
    const result = await validateDocument(schema, { url: 'nope', sha256: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^invalid job document: url: .*; sha256: /);
  });

  it('uses a function validator and its thrown message', async () => {
    const validator = (document: Readonly<Record<string, unknown>>) => {
      if (typeof document['url'] !== 'string') throw new Error('url is required');
      return { url: document['url'] };
    };
    expect(await validateDocument(validator, { url: 'u' })).toEqual({ ok: true, value: { url: 'u' } });
    expect(await validateDocument(validator, {})).toEqual({
      ok: false,
      reason: 'invalid job document: url is required',
    });
  });
});

describe('reasons in statusDetails', () => {
  it('bounds a message to 1000 characters without control characters', () => {
    const message = boundedMessage(`line one\nline two\t\u001b[31mred${'x'.repeat(2_000)}`);
    expect(message).toHaveLength(1_000);
    expect(message.startsWith('line one line two [31mred')).toBe(true);
    expect(message.endsWith('…')).toBe(true);
  });

  it('never leaves a reason empty', () => {
    expect(boundedMessage(' \n ')).toBe('unknown error');
    expect(errorReason(new Error(''))).toBe('Error');
  });

  it('takes the message of an error, not its stack', () => {
    const error = new TypeError('bad input');
    expect(errorReason(error)).toBe('bad input');
    expect(errorReason('plain')).toBe('plain');
  });

  it('adds the error code when the error has one', () => {
    const error = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    expect(failureDetails('no space', error)).toEqual({ reason: 'no space', errorCode: 'ENOSPC' });
  });
});

describe('checkpoints', () => {
  it('stores a JSON copy', () => {
    const original = { blocks: [1, 2], at: 'x' };
    const copy = checkpointCopy(original);
    original.blocks.push(3);
    expect(copy).toEqual({ blocks: [1, 2], at: 'x' });
  });

  it.each([[() => 1], [undefined], [{ big: 'x'.repeat(70_000) }]])('refuses %s', (value) => {
    expect(() => checkpointCopy(value)).toThrow(ConfigError);
  });
});
