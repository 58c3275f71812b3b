import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildQueryString, encodeRfc3986, parseQueryString } from '../../../src/http/uri.js';

describe('encodeRfc3986', () => {
  it.each([
    ['rpi:kitchen-01', 'rpi%3Akitchen-01'],
    ['a/b+c=d', 'a%2Fb%2Bc%3Dd'],
    ['-._~AZaz09', '-._~AZaz09'],
    ["!'()*", '%21%27%28%29%2A'],
    ['a b', 'a%20b'],
    ['ሴ', '%E1%88%B4'],
  ])('encodes %j as %j', (input, expected) => {
    expect(encodeRfc3986(input)).toBe(expected);
  });
});

describe('buildQueryString', () => {
  it('sorts parameters by encoded name in code-unit order', () => {
    expect(
      buildQueryString([
        ['status', 'QUEUED'],
        ['maxResults', '5'],
        ['Zeta', '1'],
      ]),
    ).toBe('Zeta=1&maxResults=5&status=QUEUED');
  });

  it('encodes "/", "+" and "=" in values', () => {
    expect(buildQueryString([['nextToken', 'ab/c+d==']])).toBe('nextToken=ab%2Fc%2Bd%3D%3D');
  });

  it('is empty for no parameters', () => {
    expect(buildQueryString([])).toBe('');
  });
});

describe('parseQueryString', () => {
  it('keeps a literal plus as a plus', () => {
    expect(parseQueryString('?a=1+2')).toEqual({ a: '1+2' });
  });

  it('collects a repeated name into an array', () => {
    expect(parseQueryString('a=1&a=2&b')).toEqual({ a: ['1', '2'], b: '' });
  });

  it('treats __proto__ as an ordinary parameter name', () => {
    const parsed = parseQueryString('__proto__=x&constructor=y');
    expect(Object.entries(parsed)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('inverts buildQueryString', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (params) => {
        const parsed = parseQueryString(buildQueryString(Object.entries(params)));
        expect(parsed).toEqual({ ...params });
      }),
      { numRuns: 2_000 },
    );
  });
});
