/**
 * Every file the CLI reads comes through here, with a size limit stated per kind: read at
 * most limit + 1 bytes from the open descriptor (so /dev/zero, a FIFO or a file that grows
 * while read cannot take the process's memory), refuse anything that is not a regular file
 * or not UTF-8. A 200 MB `--area` file took 44 s and 4 GB before these limits.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { TrykError } from '../../shared/bridge/result';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The limits, by what the file is (README: "What is limited and why"). */
export const FILE_LIMITS = {
  /** 20,000 vertices at ~40 bytes each, pretty-printed with room to spare. */
  area: 8 * MiB,
  /** A CAP 1.2 alert is a few KiB; the area inside it is bounded by the same vertex limits. */
  cap: 1 * MiB,
  /** Template overrides and other small settings files. */
  settings: 1 * MiB,
  /** DAGI's national boundary files are ~1 MB at 1:500,000 and tens of MB at full detail. */
  boundaries: 64 * MiB,
  /** About 600,000 subscribers of ~100 bytes: split a national register into several files. */
  import: 64 * MiB,
} as const;
export type FileKind = keyof typeof FILE_LIMITS;

const human = (bytes: number) => (bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`);

/** The file's bytes, or a one-line TrykError naming the file and the limit. */
export function readBoundedBytes(file: string, kind: FileKind): Buffer {
  const limit = FILE_LIMITS[kind];
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new TrykError('bad_request', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new TrykError('bad_request', `${file}: not a regular file`);
    if (st.size > limit) throw new TrykError('too_large', `${file}: ${human(st.size)} is over the limit of ${human(limit)} for ${kind} files`);
    const buf = Buffer.alloc(Math.min(limit + 1, st.size + 1));
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    if (n > limit) throw new TrykError('too_large', `${file}: over the limit of ${human(limit)} for ${kind} files`);
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof TrykError) throw e;
    throw new TrykError('bad_request', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}

/** UTF-8 text (a BOM is dropped); anything else is refused rather than read garbled. */
export function readBoundedText(file: string, kind: FileKind): string {
  const bytes = readBoundedBytes(file, kind);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TrykError('bad_request', `${file}: not UTF-8 text`);
  }
}

/** JSON from a bounded file: "not valid JSON" rather than the parser's position text. */
export function readBoundedJson(file: string, kind: FileKind): unknown {
  const text = readBoundedText(file, kind);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TrykError('bad_request', `${file}: not valid JSON`);
  }
}
