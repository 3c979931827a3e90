/**
 * A subscriber as it enters and leaves the registry (import, export, a person's own data),
 * and the validation every imported row goes through.
 */
import { normalizePhone } from '../phone';

export const categories = [
  'burglary',
  'missing_person',
  'wanted_vehicle',
  'wanted_person',
  'fraud',
  'traffic',
  'prevention',
  'general',
] as const;
export type Category = (typeof categories)[number];

export const statuses = ['active', 'paused', 'opted_out'] as const;
export type SubscriberStatus = (typeof statuses)[number];
export const placeKinds = ['home', 'work', 'summer_house', 'other'] as const;
export type PlaceKind = (typeof placeKinds)[number];
export const languages = ['da', 'en'] as const;

export interface PlaceInput {
  kind: PlaceKind;
  address: string | null;
  lat: number;
  lon: number;
}

export interface SubscriberInput {
  phone: string; // E.164
  name: string | null;
  language: 'da' | 'en';
  status: SubscriberStatus;
  places: PlaceInput[];
  groups: string[];
  categories: Category[];
  /** Minutes after local midnight; both or neither. */
  quietStart: number | null;
  quietEnd: number | null;
  consentAt: string | null;
  consentMethod: string | null;
  consentTextVersion: string | null;
}

/** Why a row was refused: a code the UI translates, the field, and an English message. */
export type RowProblemCode =
  | 'phone_missing'
  | 'phone_invalid'
  | 'duplicate_phone'
  | 'bad_status'
  | 'bad_language'
  | 'unknown_group'
  | 'unknown_category'
  | 'bad_quiet_hours'
  | 'bad_place'
  | 'bad_consent_time'
  | 'too_long'
  | 'bad_row'
  /** A warning, not a refusal: the place is in Denmark but outside the import's police district. */
  | 'outside_district';

export interface RowProblem {
  row: number;
  code: RowProblemCode;
  field: string;
  message: string;
}

export type RowResult = { ok: true; value: SubscriberInput } | { ok: false; problem: Omit<RowProblem, 'row'> };

/** The flat record both CSV and JSON rows are read into before validation. */
export type RawRecord = Record<string, unknown>;

/** CSV columns (also the JSON keys a flat record may use); places as home_/work_/summer_/other_ lat, lon, address. */
export const csvColumns = [
  'phone',
  'name',
  'language',
  'status',
  'groups',
  'categories',
  'quiet_start',
  'quiet_end',
  'consent_at',
  'consent_method',
  'consent_text_version',
  ...placeKinds.flatMap((k) => [`${k}_lat`, `${k}_lon`, `${k}_address`]),
] as const;

const text = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
};
const list = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.map((x) => String(x).trim()).filter(Boolean)
    : (text(v) ?? '')
        .split(/[;|]/)
        .map((x) => x.trim())
        .filter(Boolean);

function minutes(v: unknown): number | null | 'bad' {
  const s = text(v);
  if (s === null) return null;
  const m = s.match(/^(\d{1,2})[:.](\d{2})$/);
  if (!m) return 'bad';
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h < 24 && min < 60 ? h * 60 + min : 'bad';
}

/**
 * The longest text each field may hold (characters). A field over its limit is refused with
 * its row, never cut: before these, `consent_method` took whole runs of other people's lines.
 */
export const FIELD_LIMITS: Readonly<Record<string, number>> = {
  phone: 32,
  name: 200,
  language: 8,
  status: 16,
  groups: 1000,
  categories: 400,
  quiet_start: 8,
  quiet_end: 8,
  consent_at: 40,
  consent_method: 100,
  consent_text_version: 64,
  ...Object.fromEntries(placeKinds.flatMap((k) => [[`${k}_lat`, 32], [`${k}_lon`, 32], [`${k}_address`, 300]])),
};
/** Any other (unknown) column: ignored, but not without bound. */
const OTHER_FIELD_LIMIT = 1000;

// Control characters (NUL, bell, escape …) never belong in a subscriber's data.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A decimal number as people write it (decimal comma or point): no hex, exponents or words. */
const DECIMAL = /^[+-]?\d{1,3}(?:[.,]\d{1,15})?$/;

/** Denmark, generously (Bornholm and Christiansø included): a place elsewhere is a mistake. */
export const DENMARK = { minLat: 54, maxLat: 58, minLon: 8, maxLon: 16 } as const;
const inDenmark = (lat: number, lon: number) =>
  lat >= DENMARK.minLat && lat <= DENMARK.maxLat && lon >= DENMARK.minLon && lon <= DENMARK.maxLon;

function coordinate(v: unknown): number {
  if (typeof v === 'number') return v;
  const s = text(v);
  return s !== null && DECIMAL.test(s) ? Number(s.replace(',', '.')) : NaN;
}

const problem = (code: RowProblemCode, field: string, message: string): RowResult => ({
  ok: false,
  problem: { code, field, message },
});

/** Validates one record; `knownGroups` are the group codes in the store. */
export function validateRecord(record: RawRecord, knownGroups: ReadonlySet<string>): RowResult {
  if (record.__invalid === true) return problem('bad_row', '', 'the row is not an object of fields');
  for (const key in record) {
    const v = record[key];
    if (typeof v !== 'string') continue;
    const limit = FIELD_LIMITS[key] ?? OTHER_FIELD_LIMIT;
    if (v.length > limit) return problem('too_long', key, `${key.slice(0, 40)} is longer than ${limit} characters`);
    if (CONTROL.test(v)) return problem('bad_row', key, `${key.slice(0, 40)} holds a control character (NUL, a line break or the like)`);
  }
  const rawPhone = text(record.phone);
  if (!rawPhone) return problem('phone_missing', 'phone', 'no phone number');
  const phone = normalizePhone(rawPhone);
  if (!phone.ok) return problem('phone_invalid', 'phone', `not a valid phone number (${phone.reason})`);

  const name = text(record.name);
  if (name && name.length > 200) return problem('too_long', 'name', 'the name is longer than 200 characters');

  const language = (text(record.language) ?? 'da').toLowerCase();
  if (!(languages as readonly string[]).includes(language)) return problem('bad_language', 'language', 'language must be da or en');

  const status = (text(record.status) ?? 'active').toLowerCase().replace(/[- ]/g, '_');
  if (!(statuses as readonly string[]).includes(status)) {
    return problem('bad_status', 'status', 'status must be active, paused or opted_out');
  }

  const groups = list(record.groups).map((g) => g.toLowerCase());
  if (groups.length === 0) groups.push('citizen');
  const unknownGroup = groups.find((g) => !knownGroups.has(g));
  if (unknownGroup) return problem('unknown_group', 'groups', `unknown group "${unknownGroup.slice(0, 40)}"`);

  const cats = list(record.categories).map((c) => c.toLowerCase());
  const unknownCat = cats.find((c) => !(categories as readonly string[]).includes(c));
  if (unknownCat) return problem('unknown_category', 'categories', `unknown category "${unknownCat.slice(0, 40)}"`);

  const quietStart = minutes(record.quiet_start);
  const quietEnd = minutes(record.quiet_end);
  if (quietStart === 'bad' || quietEnd === 'bad' || (quietStart === null) !== (quietEnd === null)) {
    return problem('bad_quiet_hours', 'quiet_start', 'quiet hours need both a start and an end as HH:MM');
  }

  const consentAt = text(record.consent_at);
  if (consentAt && Number.isNaN(Date.parse(consentAt))) {
    return problem('bad_consent_time', 'consent_at', 'consent_at is not a date and time (ISO 8601)');
  }

  const places: PlaceInput[] = [];
  const nested = Array.isArray(record.places) ? (record.places as RawRecord[]) : null;
  const candidates: { kind: string; lat: unknown; lon: unknown; address: unknown; field: string }[] = nested
    ? nested.map((p, i) => ({ kind: String(p?.kind ?? 'home'), lat: p?.lat, lon: p?.lon, address: p?.address, field: `places[${i}]` }))
    : placeKinds.map((k) => ({ kind: k, lat: record[`${k}_lat`], lon: record[`${k}_lon`], address: record[`${k}_address`], field: `${k}_lat` }));
  for (const c of candidates) {
    const [latText, lonText] = [text(c.lat), text(c.lon)];
    if (latText === null && lonText === null) continue;
    if (!(placeKinds as readonly string[]).includes(c.kind)) return problem('bad_place', c.field, `unknown place kind "${c.kind.slice(0, 40)}"`);
    // Danish spreadsheets write decimal commas; hexadecimal ("0x37"), exponents and words are refused.
    const lat = coordinate(c.lat);
    const lon = coordinate(c.lon);
    if (latText === null || lonText === null || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return problem('bad_place', c.field, 'a place needs a latitude (-90..90) and a longitude (-180..180) as decimal numbers');
    }
    if (!inDenmark(lat, lon)) {
      return problem(
        'bad_place',
        c.field,
        inDenmark(lon, lat)
          ? 'latitude and longitude are swapped (in Denmark the latitude is 54-58 and the longitude 8-16)'
          : 'the place is not in Denmark (latitude 54-58, longitude 8-16)',
      );
    }
    const address = text(c.address);
    if (address && address.length > 300) return problem('too_long', c.field, 'the address is longer than 300 characters');
    places.push({ kind: c.kind as PlaceKind, address, lat, lon });
  }
  if (places.length > 10) return problem('bad_place', 'places', 'at most 10 places per subscriber');

  return {
    ok: true,
    value: {
      phone: phone.e164,
      name,
      language: language as 'da' | 'en',
      status: status as SubscriberStatus,
      places,
      groups: [...new Set(groups)],
      categories: [...new Set(cats)] as Category[],
      quietStart,
      quietEnd,
      consentAt: consentAt ? new Date(consentAt).toISOString() : null,
      consentMethod: text(record.consent_method),
      consentTextVersion: text(record.consent_text_version),
    },
  };
}

/** Validates a whole file's records: the good ones, and every problem with its row number. */
export function validateRecords(
  records: readonly { row: number; record: RawRecord }[],
  knownGroups: ReadonlySet<string>,
): { accepted: { row: number; value: SubscriberInput }[]; rejected: RowProblem[] } {
  const accepted: { row: number; value: SubscriberInput }[] = [];
  const rejected: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const { row, record } of records) {
    const r = validateRecord(record, knownGroups);
    if (!r.ok) {
      rejected.push({ row, ...r.problem });
      continue;
    }
    const first = seen.get(r.value.phone);
    if (first !== undefined) {
      rejected.push({ row, code: 'duplicate_phone', field: 'phone', message: `the same phone number as row ${first}` });
      continue;
    }
    seen.set(r.value.phone, row);
    accepted.push({ row, value: r.value });
  }
  return { accepted, rejected };
}

/** The flat record of a subscriber (export; the same shape import reads). */
export function toRecord(s: SubscriberInput): Record<(typeof csvColumns)[number], string | number | null> {
  const hhmm = (m: number | null) => (m === null ? null : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  const rec: Record<string, string | number | null> = {
    phone: s.phone,
    name: s.name,
    language: s.language,
    status: s.status,
    groups: s.groups.join(';'),
    categories: s.categories.join(';'),
    quiet_start: hhmm(s.quietStart),
    quiet_end: hhmm(s.quietEnd),
    consent_at: s.consentAt,
    consent_method: s.consentMethod,
    consent_text_version: s.consentTextVersion,
  };
  for (const k of placeKinds) {
    const p = s.places.find((x) => x.kind === k);
    rec[`${k}_lat`] = p?.lat ?? null;
    rec[`${k}_lon`] = p?.lon ?? null;
    rec[`${k}_address`] = p?.address ?? null;
  }
  return rec;
}
