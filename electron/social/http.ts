/**
 * One HTTP exchange with a social API, bounded: a timeout on the whole exchange, an answer read
 * up to a size cap (a 10 MB or endless body is cut off, not buffered), JSON parsed only within
 * that cap. Every failure becomes a SocialError whose class says what the caller may do next.
 */

export type SocialErrorClass =
  /** Wait until retryAt (rate limit): nothing happened. */
  | 'rate_limited'
  /** The token expired or was revoked: the channel needs a new login. */
  | 'auth'
  /** A 5xx, a timeout, a cut connection or an unreadable answer: the outcome is unknown. */
  | 'transient'
  /** The API refused the request (4xx): retrying the same will not help. */
  | 'refused'
  /** The object does not exist (e.g. the post was deleted on the platform). */
  | 'not_found'
  /** The API does not know a metric we asked for (Graph code 100). */
  | 'unknown_metric';

export class SocialError extends Error {
  constructor(
    readonly errorClass: SocialErrorClass,
    message: string,
    readonly retryAt: Date | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'SocialError';
  }
}

export const MAX_ANSWER_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was not JSON. */
  json: unknown;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData;
  timeoutMs?: number;
  maxBytes?: number;
}

async function readBounded(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new SocialError('transient', `answer too large (${declared} bytes, cap ${maxBytes})`, null, res.status);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new SocialError('transient', `answer too large (over ${maxBytes} bytes)`, null, res.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Fetches `url` within the bounds; network errors and timeouts are 'transient'. */
export async function request(url: string, opts: RequestOptions = {}): Promise<HttpAnswer> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const init: RequestInit = { method: opts.method ?? 'GET', signal: controller.signal, redirect: 'error' };
    if (opts.headers) init.headers = opts.headers;
    if (opts.body !== undefined) init.body = opts.body as NonNullable<RequestInit['body']>;
    const res = await fetch(url, init);
    const text = await readBounded(res, opts.maxBytes ?? MAX_ANSWER_BYTES);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json };
  } catch (e) {
    if (e instanceof SocialError) throw e;
    if (controller.signal.aborted) throw new SocialError('transient', `no answer within ${timeoutMs} ms`);
    // The cause names a code (ECONNREFUSED, ECONNRESET), never a token: URLs carry none.
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new SocialError('transient', `request failed (${cause})`);
  } finally {
    clearTimeout(timer);
  }
}

/** Seconds or an HTTP date, as Retry-After carries them. */
export function retryAfter(headers: Headers, now: Date): Date | null {
  const v = headers.get('retry-after');
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return new Date(now.getTime() + Math.max(0, s) * 1000);
  const d = Date.parse(v);
  return Number.isFinite(d) ? new Date(d) : null;
}
