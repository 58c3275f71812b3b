/**
 * URI encoding as SigV4 and AWS restJson1 expect it. The wire form and the canonical form of a
 * query are built by the same function, so what is sent is exactly what was signed.
 */

/**
 * RFC 3986 percent-encoding: every byte except `A-Z a-z 0-9 - _ . ~` is escaped. Unlike
 * `encodeURIComponent`, `! ' ( ) *` are escaped too; unlike `URLSearchParams`, a space is `%20`
 * and `+` is `%2B` (AWS reads a literal `+` in a query as a plus, not a space).
 */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** One query parameter, unencoded. */
export type QueryParam = readonly [name: string, value: string];

/** `a=1&b=2`, each name and value RFC 3986-encoded, sorted as SigV4 sorts them. */
export function buildQueryString(params: readonly QueryParam[]): string {
  return params
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * The parameters of `search` (with or without its `?`), decoded. A repeated name collects its
 * values in an array. `+` stays a plus: queries built here never encode a space as `+`.
 */
export function parseQueryString(search: string): Record<string, string | string[]> {
  // No prototype: a parameter named `__proto__` or `constructor` is just a parameter.
  const query = Object.create(null) as Record<string, string | string[]>;
  const text = search.startsWith('?') ? search.slice(1) : search;
  if (text === '') return query;
  for (const pair of text.split('&')) {
    const separator = pair.indexOf('=');
    const name = decodeURIComponent(separator === -1 ? pair : pair.slice(0, separator));
    const value = separator === -1 ? '' : decodeURIComponent(pair.slice(separator + 1));
    const previous = query[name];
    if (previous === undefined) query[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else query[name] = [previous, value];
  }
  return query;
}

// Code-unit order, as SigV4 specifies (not locale order).
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
