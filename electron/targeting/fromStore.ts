/**
 * Builds the place index from the store at start-up.
 *
 * node-sqlite3 turns every row into a JS object across N-API, about 3 s per million rows
 * here, which alone would take ~25 s for 6 M subscribers and 7.8 M places. So rows are
 * packed inside SQLite instead: `group_concat(printf('%08X…'))` yields one hex string per
 * chunk of ~64k rows, decoded in JS with Buffer (measured ~0.5 s per million places).
 * Coordinates travel as integers of 1e-7 degree (≈1 cm on the ground), which is what the
 * index then holds: counts are exact for those positions.
 */
import type { Db } from '../store/db';
import { subscriberStatuses } from '../../shared/targeting/area';
import { PlaceIndex } from './placeIndex';
import type { IndexArrays, IndexOptions } from './placeIndex';

const CHUNK = 65_536;
export const COORD_SCALE = 1e7;


const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs one packed query per id range, starting the next before decoding the last so SQLite
 * (in libuv's pool) and the decoding (on this thread) overlap.
 */
async function chunks(db: Db, sql: string, lo: number, hi: number, decode: (buf: Buffer) => void): Promise<void> {
  if (hi < lo) return;
  const ask = (from: number) => db.get<{ t: string | null }>(sql, [from, from + CHUNK]);
  let next = ask(lo);
  for (let from = lo; from <= hi; from += CHUNK) {
    const row = await next;
    if (from + CHUNK <= hi) next = ask(from + CHUNK);
    await yieldToLoop();
    if (row?.t) decode(Buffer.from(row.t, 'hex'));
  }
}

export interface BuildStats {
  subscribers: number;
  places: number;
  ms: number;
  /** Milliseconds per step, to tell SQLite's share from the index's. */
  phases: Record<string, number>;
}

export async function readIndexArrays(db: Db, phases: Record<string, number> = {}): Promise<IndexArrays> {
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = now - mark;
    mark = now;
  };
  const groups = await db.all<{ id: number; code: string }>('SELECT id, code FROM groups ORDER BY id');
  if (groups.length > 32) throw new Error('the index holds at most 32 groups');
  const groupBit = new Map(groups.map((g, b) => [g.id, b]));

  const sub = await db.get<{ n: number; lo: number | null; hi: number | null }>('SELECT count(*) n, min(id) lo, max(id) hi FROM subscribers');
  const nSub = sub?.n ?? 0;
  const lo = sub?.lo ?? 0,
    hi = sub?.hi ?? -1;
  const subIds = new Int32Array(nSub);
  const subStatus = new Uint8Array(nSub);
  const subGroups = new Uint32Array(nSub);
  const subCategories = new Uint32Array(nSub);
  let k = 0;
  const statusCase = `CASE status ${subscriberStatuses.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;
  await chunks(db, `SELECT group_concat(printf('%08X%02X', id, ${statusCase}), '') t FROM subscribers WHERE id >= ? AND id < ?`, lo, hi, (b) => {
    for (let o = 0; o + 5 <= b.length; o += 5) {
      subIds[k] = b.readInt32BE(o);
      subStatus[k] = b[o + 4]!;
      k++;
    }
  });
  phase('subscribers');
  if (k !== nSub) throw new Error('the subscribers table changed while the index was built');
  let sorted = true;
  for (let i = 1; i < nSub; i++) if (subIds[i]! <= subIds[i - 1]!) sorted = false;
  if (!sorted) throw new Error('subscriber rows did not arrive in id order');
  // Ids are dense in practice: a lookup table beats a binary search per row.
  const span = hi - lo + 1;
  const table = span <= Math.max(1_000_000, nSub * 4) ? new Int32Array(Math.max(0, span)).fill(-1) : null;
  if (table) for (let i = 0; i < nSub; i++) table[subIds[i]! - lo] = i;
  const indexOf = (id: number): number => {
    if (table) return id >= lo && id <= hi ? table[id - lo]! : -1;
    let a = 0,
      z = nSub - 1;
    while (a <= z) {
      const m = (a + z) >> 1;
      if (subIds[m] === id) return m;
      if (subIds[m]! < id) a = m + 1;
      else z = m - 1;
    }
    return -1;
  };

  await chunks(db, `SELECT group_concat(printf('%08X%02X', subscriber_id, group_id), '') t FROM subscriber_groups WHERE subscriber_id >= ? AND subscriber_id < ?`, lo, hi, (b) => {
    for (let o = 0; o + 5 <= b.length; o += 5) {
      const s = indexOf(b.readInt32BE(o));
      const bit = groupBit.get(b[o + 4]!);
      if (s >= 0 && bit !== undefined) subGroups[s]! |= 1 << bit;
    }
  });
  phase('groups');
  // A DISTINCT over the whole table costs seconds (a temporary b-tree of every row), so
  // the dictionary grows as chunks name categories it does not know yet: unknown ones come
  // back as 255, and only such a chunk pays for a DISTINCT over its own rows.
  const categoryCodes: string[] = [];
  const UNKNOWN = 255;
  const catSql = () => {
    const code =
      categoryCodes.length === 0
        ? String(UNKNOWN)
        : `CASE category ${categoryCodes.map((c, i) => `WHEN ${sqlString(c)} THEN ${i}`).join(' ')} ELSE ${UNKNOWN} END`;
    return `SELECT group_concat(printf('%08X%02X', subscriber_id, ${code}), '') t FROM subscriber_categories WHERE subscriber_id >= ? AND subscriber_id < ?`;
  };
  for (let from = lo; from <= hi; from += CHUNK) {
    for (;;) {
      const row = await db.get<{ t: string | null }>(catSql(), [from, from + CHUNK]);
      const b = Buffer.from(row?.t ?? '', 'hex');
      let unknown = false;
      for (let o = 4; o < b.length; o += 5) if (b[o] === UNKNOWN) unknown = true;
      if (unknown) {
        const more = await db.all<{ c: string }>(
          'SELECT DISTINCT category c FROM subscriber_categories WHERE subscriber_id >= ? AND subscriber_id < ?',
          [from, from + CHUNK],
        );
        for (const { c } of more) if (!categoryCodes.includes(c)) categoryCodes.push(c);
        if (categoryCodes.length > 32) throw new Error('the index holds at most 32 categories');
        continue;
      }
      for (let o = 0; o + 5 <= b.length; o += 5) {
        const s = indexOf(b.readInt32BE(o));
        if (s >= 0) subCategories[s]! |= 1 << b[o + 4]!;
      }
      break;
    }
  }
  phase('categories');
  const pl = await db.get<{ n: number; lo: number | null; hi: number | null }>('SELECT count(*) n, min(id) lo, max(id) hi FROM places');
  const nPlaces = pl?.n ?? 0;
  const placeSub = new Int32Array(nPlaces);
  const placeLon = new Float64Array(nPlaces);
  const placeLat = new Float64Array(nPlaces);
  let p = 0;
  await chunks(
    db,
    `SELECT group_concat(printf('%08X%08X%08X', subscriber_id, CAST(round(lat * ${COORD_SCALE}) AS INTEGER) & 4294967295, CAST(round(lon * ${COORD_SCALE}) AS INTEGER) & 4294967295), '') t FROM places WHERE id >= ? AND id < ?`,
    pl?.lo ?? 0,
    pl?.hi ?? -1,
    (b) => {
      for (let o = 0; o + 12 <= b.length; o += 12) {
        const s = indexOf(b.readInt32BE(o));
        if (s < 0 || p >= nPlaces) continue;
        placeSub[p] = s;
        placeLat[p] = b.readInt32BE(o + 4) / COORD_SCALE;
        placeLon[p] = b.readInt32BE(o + 8) / COORD_SCALE;
        p++;
      }
    },
  );
  phase('places');
  return {
    subIds,
    subStatus,
    subGroups,
    subCategories,
    placeSub: placeSub.subarray(0, p),
    placeLon: placeLon.subarray(0, p),
    placeLat: placeLat.subarray(0, p),
    groupCodes: groups.map((g) => g.code),
    categoryCodes,
  };
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** `arrays` are what the index was built from (never changed by it), e.g. to save as a snapshot. */
export async function buildIndexFromStore(db: Db, opts: IndexOptions = {}): Promise<{ index: PlaceIndex; arrays: IndexArrays; stats: BuildStats }> {
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const arrays = await readIndexArrays(db, phases);
  const t1 = performance.now();
  const index = PlaceIndex.fromArrays(arrays, opts);
  phases['grid'] = performance.now() - t1;
  return {
    index,
    arrays,
    stats: { subscribers: arrays.subIds.length, places: arrays.placeLon.length, ms: performance.now() - t0, phases },
  };
}

