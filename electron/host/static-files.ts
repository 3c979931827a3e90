/**
 * Maps a request path to a file of the built renderer, for both hosts (the desktop app's
 * `app://tryk/` protocol and the headless HTTP server). A request path is attacker input:
 * it is decoded once, normalised, and must stay inside the root.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Unknown extensions are served as opaque bytes; with nosniff the browser will not guess. */
export const contentTypeOf = (file: string): string =>
  CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

export type StaticTarget =
  | { kind: 'file'; file: string; contentType: string }
  | { kind: 'not_found' }
  | { kind: 'bad_request' };

/**
 * The file a URL path names under `root`, without touching the disk. `/` is index.html.
 * Refused: undecodable escapes, NUL, backslashes (a second separator on Windows), any `..`
 * or dot-file segment (before or after decoding), and anything resolving outside `root`.
 */
export function staticPathOf(root: string, urlPath: string): { kind: 'path'; file: string } | { kind: 'not_found' } | { kind: 'bad_request' } {
  if (!urlPath.startsWith('/')) return { kind: 'bad_request' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'bad_request' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad_request' };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'not_found' };
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const absoluteRoot = path.resolve(root);
  const file = path.resolve(absoluteRoot, relative);
  if (!file.startsWith(absoluteRoot + path.sep)) return { kind: 'not_found' };
  return { kind: 'path', file };
}

/** Resolves a URL path to an existing regular file under `root`. */
export async function resolveStaticFile(root: string, urlPath: string): Promise<StaticTarget> {
  const target = staticPathOf(root, urlPath);
  if (target.kind !== 'path') return target;
  try {
    const info = await stat(target.file);
    if (!info.isFile()) return { kind: 'not_found' };
  } catch {
    return { kind: 'not_found' };
  }
  return { kind: 'file', file: target.file, contentType: contentTypeOf(target.file) };
}

export interface StaticResponse {
  status: number;
  headers: Record<string, string>;
  /** Null for HEAD; the bytes otherwise. */
  body: Buffer<ArrayBuffer> | null;
}

/**
 * The whole answer to a request for a renderer file, with `headers` (the security headers) on
 * every status, so the desktop protocol handler and the headless server answer alike.
 */
export async function staticResponse(
  root: string,
  request: { method: string; pathname: string },
  headers: Record<string, string>,
): Promise<StaticResponse> {
  const text = (status: number, message: string, extra: Record<string, string> = {}): StaticResponse => {
    const body = Buffer.from(`${message}\n`, 'utf8');
    return {
      status,
      headers: { ...headers, ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length) },
      body: request.method === 'HEAD' ? null : body,
    };
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed', { Allow: 'GET, HEAD' });
  const target = await resolveStaticFile(root, request.pathname);
  if (target.kind === 'bad_request') return text(400, 'bad request');
  if (target.kind === 'not_found') return text(404, 'not found');
  const body = await readFile(target.file);
  return {
    status: 200,
    headers: { ...headers, 'Content-Type': target.contentType, 'Content-Length': String(body.length) },
    body: request.method === 'HEAD' ? null : body,
  };
}
