/** Writes an alert as an OASIS CAP 1.2 document, elements in the order the schema's sequences require. */
import { TrykError } from '../bridge/result';
import { escapeXml } from './xml';
import { CAP_DATETIME, CAP_NAMESPACE, CapAlertInputSchema, capCategoryOf, TRYK_CATEGORY_CODE } from './types';
import type { CapAlert, CapAlertInput, CapArea, CapInfo, CapPosition } from './types';

/** Danish control rooms write local time; CAP wants the offset spelled out. */
export const DEFAULT_CAP_TIME_ZONE = 'Europe/Copenhagen';

export interface ToCapOptions {
  /** IANA zone for instants given as Date or as ISO text without CAP's exact form. */
  timeZone?: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/**
 * "2026-11-24T10:00:00+01:00": CAP's dateTime, whole seconds, offset of `timeZone` at that
 * instant. A string already in that exact form is kept as written, because an Update's
 * references must repeat the original's `sent` character for character.
 */
export function formatCapDateTime(value: Date | string, timeZone = DEFAULT_CAP_TIME_ZONE): string {
  if (typeof value === 'string' && CAP_DATETIME.test(value) && !Number.isNaN(new Date(value).getTime())) return value;
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) throw new TrykError('bad_request', `"${String(value)}" is not a date and time`);
  const ms = Math.floor(d.getTime() / 1000) * 1000;
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const local = Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
  const offsetMin = Math.round((local - ms) / 60_000);
  // CAP 1.2 §3.3.2: UTC is written "-00:00", never "Z" or "+00:00".
  const sign = offsetMin > 0 ? '+' : '-';
  return (
    `${pad(p.year!, 4)}-${pad(p.month!)}-${pad(p.day!)}T${pad(p.hour!)}:${pad(p.minute!)}:${pad(p.second!)}` +
    `${sign}${pad(Math.trunc(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`
  );
}

/** Decimal degrees without exponent notation; 7 decimals is about a centimetre. */
function coord(n: number): string {
  const s = n.toFixed(7).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

const latLon = ([lon, lat]: CapPosition) => `${coord(lat)},${coord(lon)}`;

/** CAP wants the ring closed (first pair repeated last) and latitude before longitude. */
export function capPolygon(ring: readonly CapPosition[]): string {
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  const closed = first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first];
  return closed.map(latLon).join(' ');
}

/** "lat,lon radius" with the radius in kilometres. */
export function capCircle(center: CapPosition, radiusM: number): string {
  const km = (radiusM / 1000).toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  return `${latLon(center)} ${km}`;
}

class Out {
  readonly lines: string[] = [];
  constructor(private depth = 0) {}
  open(name: string, attrs = ''): void {
    this.lines.push(`${'  '.repeat(this.depth++)}<${name}${attrs}>`);
  }
  close(name: string): void {
    this.lines.push(`${'  '.repeat(--this.depth)}</${name}>`);
  }
  leaf(name: string, value: string | undefined): void {
    if (value === undefined || value === '') return;
    this.lines.push(`${'  '.repeat(this.depth)}<${name}>${escapeXml(value)}</${name}>`);
  }
}

function writeArea(out: Out, area: CapArea): void {
  out.open('area');
  out.leaf('areaDesc', area.desc);
  for (const ring of area.polygons) out.leaf('polygon', capPolygon(ring));
  for (const c of area.circles) out.leaf('circle', capCircle(c.center, c.radiusM));
  out.close('area');
}

function writeInfo(out: Out, alert: CapAlert, info: CapInfo, tz: string): void {
  out.open('info');
  out.leaf('language', info.language);
  out.leaf('category', capCategoryOf[alert.category]);
  out.leaf('event', info.event);
  out.leaf('urgency', alert.urgency);
  out.leaf('severity', alert.severity);
  out.leaf('certainty', alert.certainty);
  out.open('eventCode');
  out.leaf('valueName', TRYK_CATEGORY_CODE);
  out.leaf('value', alert.category);
  out.close('eventCode');
  if (alert.expiresAt !== undefined) out.leaf('expires', formatCapDateTime(alert.expiresAt, tz));
  out.leaf('senderName', info.senderName);
  out.leaf('headline', info.headline);
  out.leaf('description', info.description);
  out.leaf('instruction', info.instruction);
  out.leaf('web', info.web);
  out.leaf('contact', info.contact);
  for (const area of alert.areas) writeArea(out, area);
  out.close('info');
}

/**
 * The alert as a CAP 1.2 document (UTF-8 text). Every info block carries every area, since
 * CAP scopes areas to an info. Throws a TrykError('bad_request') naming the first invalid field.
 */
export function toCap(input: CapAlertInput, opts: ToCapOptions = {}): string {
  const parsed = CapAlertInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TrykError('bad_request', `Cannot write CAP: ${issue.path.join('.') || 'alert'} ${issue.message}`, { path: issue.path });
  }
  const alert = parsed.data;
  const tz = opts.timeZone ?? DEFAULT_CAP_TIME_ZONE;
  const out = new Out();
  out.open('alert', ` xmlns="${CAP_NAMESPACE}"`);
  out.leaf('identifier', alert.id);
  out.leaf('sender', alert.sender);
  out.leaf('sent', formatCapDateTime(alert.sentAt, tz));
  out.leaf('status', alert.status);
  out.leaf('msgType', alert.msgType);
  out.leaf('scope', alert.scope);
  if (alert.scope === 'Restricted') out.leaf('restriction', alert.restriction);
  if (alert.scope === 'Private') out.leaf('addresses', alert.addresses);
  if (alert.references?.length) {
    out.leaf('references', alert.references.map((r) => `${r.sender},${r.identifier},${formatCapDateTime(r.sent, tz)}`).join(' '));
  }
  for (const info of alert.infos) writeInfo(out, alert, info, tz);
  out.close('alert');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${out.lines.join('\n')}\n`;
}
