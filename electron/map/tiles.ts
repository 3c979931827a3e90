/**
 * Tries a tile server the way the map would use it: one tile over Denmark from the URL
 * template ({z}/{x}/{y}, {s} as "a", {r} as nothing), with a time limit and a size limit, and
 * says whether an image came back. For the administrator who points the console at an
 * internal tile server (setting map.tileUrl) and wants to know it answers before officers rely on it.
 */
import { TrykError } from '../../shared/bridge/result';

export interface TileTest {
  ok: boolean;
  /** The tile asked for, without any credentials in it. */
  url: string;
  status: number | null;
  contentType: string | null;
  bytes: number;
  ms: number;
  /** Why it is not usable, in English for the log and the CLI; the UI translates `ok`. */
  problem: string | null;
}

/** Zoom 7 tile x 68, y 39: Zealand and Copenhagen. */
const DENMARK_TILE = { z: 7, x: 68, y: 39 };
const MAX_TILE_BYTES = 2 * 1024 * 1024;

export function tileRequestUrl(template: string): URL {
  const filled = template
    .replaceAll('{z}', String(DENMARK_TILE.z))
    .replaceAll('{x}', String(DENMARK_TILE.x))
    .replaceAll('{y}', String(DENMARK_TILE.y))
    .replaceAll('{s}', 'a')
    .replaceAll('{r}', '');
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    throw new TrykError('bad_request', 'The tile address is not a URL (e.g. https://tiles.example/{z}/{x}/{y}.png)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TrykError('bad_request', 'A tile address starts with https:// or http://');
  if (!template.includes('{z}') || !template.includes('{x}') || !template.includes('{y}')) {
    throw new TrykError('bad_request', 'A tile address has {z}, {x} and {y} in it');
  }
  return url;
}

export async function testTileServer(template: string, timeoutMs = 5000): Promise<TileTest> {
  const url = tileRequestUrl(template);
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  const started = performance.now();
  const result = (r: Partial<TileTest>): TileTest => ({
    ok: false,
    url: shown.toString(),
    status: null,
    contentType: null,
    bytes: 0,
    ms: Math.round(performance.now() - started),
    problem: null,
    ...r,
  });
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (e) {
    const name = (e as Error).name;
    return result({ problem: name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'could not connect' });
  }
  const contentType = response.headers.get('content-type');
  const reader = response.body?.getReader();
  let bytes = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_TILE_BYTES) {
      await reader.cancel();
      return result({ status: response.status, contentType, bytes, problem: 'the answer is larger than a tile' });
    }
  }
  if (!response.ok) return result({ status: response.status, contentType, bytes, problem: `HTTP ${response.status}` });
  if (!contentType?.startsWith('image/')) return result({ status: response.status, contentType, bytes, problem: `not an image (${contentType ?? 'no content type'})` });
  return result({ ok: true, status: response.status, contentType, bytes });
}
