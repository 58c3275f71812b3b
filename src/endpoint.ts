/**
 * Where HTTP requests may go. Signed requests and credential fetches carry secrets, so plain
 * http is accepted only when the connection never leaves the machine (the local simulator, the
 * Greengrass token exchange service, test servers).
 */

/** True for `localhost`, `127.0.0.0/8` and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/**
 * Why `value` is not an acceptable service endpoint, or undefined when it is: an absolute
 * https URL (or http to a loopback host) without credentials, query or fragment.
 */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://iot.us-east-1.amazonaws.com';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return 'must be https:// (plain http:// is accepted for loopback hosts only)';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain user information';
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment';
  return undefined;
}

/** `base` (already checked with endpointProblem) joined with an encoded `path` starting with `/`. */
export function joinEndpoint(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url;
}
