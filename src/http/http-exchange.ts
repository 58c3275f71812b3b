/** The headers of an answer, looked up case-insensitively (what `Headers` offers). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** One signed request, ready to send as it is. */
export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names, exactly as signed (`host` excluded: it follows from `url`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Aborts the exchange, body included. */
  readonly signal: AbortSignal;
}

/** A complete answer: status, headers and the whole body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: HeaderReader;
  readonly body: string;
}

/**
 * Sends one request and reads its whole answer. Redirects are never followed (a 3xx is an
 * answer like any other). Rejects on a network failure or an abort; the client turns that into
 * its typed errors, so implementations need not.
 */
export type HttpExchange = (request: HttpRequest) => Promise<HttpAnswer>;

/** An exchange over a WHATWG `fetch` (the injection seam of JobsHttpClientOptions.fetch). */
export function fetchExchange(fetchFn: typeof fetch): HttpExchange {
  return async ({ method, url, headers, signal }) => {
    const response = await fetchFn(url, { method, headers, redirect: 'manual', signal });
    const body = await response.text();
    return { status: response.status, headers: response.headers, body };
  };
}
