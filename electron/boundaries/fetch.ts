/**
 * Fetching the current boundaries from Dataforsyningen (DAWA, which serves DAGI's police
 * districts, municipalities and postcodes as GeoJSON): the online way to do what `tryk
 * boundaries import` does with files. All three are downloaded and parsed (in the parse
 * worker, by the same parser as an import) before anything is stored, and stored in one
 * transaction with the same audit entry as an import; any failure changes nothing.
 *
 * Bounds: 15 s per request (headers and body), at most FILE_LIMITS.boundaries bytes per
 * response (read as it arrives, so a larger or endless body is cut off, not buffered), http(s)
 * only. The address comes from the setting boundaries.sourceUrl (or --base): tests serve the
 * same shapes on 127.0.0.1.
 */
import type { BoundaryKind } from '../../shared/bridge/contract';
import { TrykError } from '../../shared/bridge/result';
import { FILE_LIMITS } from '../cli/read-file';
import { defaultSettings } from '../config/settings';
import type { ParseClient } from '../parse/client';
import type { BoundaryRecord } from '../parse/protocol';
import type { AuditBy } from '../audit/service';
import type { Services } from '../services';

export const DATAFORSYNINGEN_URL = defaultSettings['boundaries.sourceUrl'];

/**
 * DAWA's lists as GeoJSON in WGS 84; `landpostnumre`: postcodes cut to the coastline, as in
 * DAGI's files; `noformat`: without the indentation DAWA adds by default (a good part of the size).
 */
export const DAWA_SOURCES: readonly { kind: BoundaryKind; name: string; path: string }[] = [
  { kind: 'district', name: 'politikredse', path: 'politikredse?format=geojson&srid=4326&noformat' },
  { kind: 'municipality', name: 'kommuner', path: 'kommuner?format=geojson&srid=4326&noformat' },
  { kind: 'postcode', name: 'postnumre', path: 'postnumre?format=geojson&srid=4326&landpostnumre&noformat' },
];

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}
export const FETCH_LIMITS: FetchLimits = { timeoutMs: 15_000, maxBytes: FILE_LIMITS.boundaries };

/**
 * The one message a failed fetch gives, Danish first (the CLI prints it as it is); the console
 * shows its own translation with the reason from `details.reason`.
 */
export const fetchFailed = (why: string) =>
  new TrykError('unavailable', `Kunne ikke hente grænser fra Dataforsyningen: ${why} / Could not fetch boundaries from Dataforsyningen: ${why}`, {
    reason: why,
  });

/** The base address checked: http(s), no credentials, no query; a trailing slash is added. */
export function sourceBase(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TrykError('bad_request', `${base}: not an address (give e.g. ${DATAFORSYNINGEN_URL})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TrykError('bad_request', `${base}: only http and https addresses`);
  if (url.username || url.password || url.search || url.hash) throw new TrykError('bad_request', `${base}: an address without user, query or fragment`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

const MiB = 1024 * 1024;

/** One response's body, read as it arrives and refused past the limit. */
async function download(url: URL, limits: FetchLimits): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const what = url.pathname.split('/').pop() || url.href;
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'application/geo+json, application/json' } });
  } catch (e) {
    throw fetchFailed(describe(e, what, limits));
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw fetchFailed(`${what}: the server answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw fetchFailed(`${what}: ${(declared / MiB).toFixed(1)} MiB is over the limit of ${limits.maxBytes / MiB} MiB`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (!response.body) throw new Error('no body');
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw fetchFailed(`${what}: over the limit of ${limits.maxBytes / MiB} MiB`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof TrykError) throw e;
    throw fetchFailed(describe(e, what, limits));
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

function describe(e: unknown, what: string, limits: FetchLimits): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `${what}: no complete answer within ${limits.timeoutMs / 1000} s`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return `${what}: the connection was refused (offline, or a wrong address?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${what}: the address could not be looked up (offline?)`;
  return `${what}: ${code ?? err.cause?.message ?? err.message ?? 'the connection failed'}`;
}

export interface FetchedBoundaries {
  boundaries: BoundaryRecord[];
  source: string;
  /** Features the service sent without a shape (e.g. a postcode for one company): not importable, left out. */
  withoutShape: number;
}

/**
 * Downloads and parses all three lists; throws the one "Kunne ikke hente…" message on any
 * network, size or format problem, before anything is stored.
 */
export async function fetchBoundaries(base: string, parse: ParseClient, limits: FetchLimits = FETCH_LIMITS): Promise<FetchedBoundaries> {
  const root = sourceBase(base);
  const boundaries: BoundaryRecord[] = [];
  let withoutShape = 0;
  for (const source of DAWA_SOURCES) {
    const bytes = await download(new URL(source.path, root), limits);
    try {
      const read = await parse.readBoundaries(bytes, `${source.name} (${root.host})`, source.kind);
      withoutShape += read.withoutShape;
      boundaries.push(...read.records);
    } catch (e) {
      throw fetchFailed((e as Error).message);
    }
  }
  return { boundaries, source: root.href, withoutShape };
}

/**
 * Fetches the current set and imports it exactly as `tryk boundaries import` does: one
 * transaction, audited as boundaries_imported (with where from), then the map index follows
 * (services.boundaries.importAll). Nothing is stored unless all three lists were read.
 */
export async function fetchAndImportBoundaries(
  services: Pick<Services, 'boundaries' | 'parse' | 'settings'>,
  opts: { base?: string; by: AuditBy; limits?: FetchLimits },
): Promise<{ imported: number; byKind: Partial<Record<BoundaryKind, number>>; source: string; withoutShape: number }> {
  const base = opts.base ?? (await services.settings.get('boundaries.sourceUrl'));
  const fetched = await fetchBoundaries(base, services.parse, opts.limits);
  const result = await services.boundaries.importAll(fetched.boundaries, {
    ...opts.by,
    details: { ...opts.by.details, source: fetched.source, withoutShape: fetched.withoutShape },
  });
  return { ...result, source: fetched.source, withoutShape: fetched.withoutShape };
}
