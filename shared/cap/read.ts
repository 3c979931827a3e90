/**
 * Reads a CAP 1.2 document from outside (another authority, a file an officer picked) into a
 * draft. Untrusted input: everything is checked, and anything we cannot represent faithfully
 * is either refused with a code and a message or dropped with a warning the officer sees.
 */
import { categories } from '../registry/subscriber';
import { parseXml } from './xml';
import type { XmlElement } from './xml';
import {
  CAP_DATETIME,
  CAP_NAMESPACE,
  CapAlertInputSchema,
  capCertainties,
  capMsgTypes,
  capScopes,
  capSeverities,
  capStatuses,
  capUrgencies,
  TRYK_CATEGORY_CODE,
  XMLDSIG_NAMESPACE,
} from './types';
import type { AlertCategory, CapAreaInput, CapDraft, CapError, CapErrorCode, CapLanguage, CapPosition, CapResult } from './types';

class Refuse extends Error {
  constructor(
    readonly code: CapErrorCode,
    message: string,
  ) {
    super(message);
  }
}
/** Text from the document quoted in a message, kept short: messages go to logs and screens. */
const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

const refuse = (code: CapErrorCode, message: string): never => {
  throw new Refuse(code, message);
};

/** The children each CAP element may have (CAP 1.2 schema); anything else is refused. */
const allowed: Record<string, readonly string[]> = {
  alert: ['identifier', 'sender', 'sent', 'status', 'msgType', 'source', 'scope', 'restriction', 'addresses', 'code', 'note', 'references', 'incidents', 'info'],
  info: [
    'language', 'category', 'event', 'responseType', 'urgency', 'severity', 'certainty', 'audience', 'eventCode', 'effective',
    'onset', 'expires', 'senderName', 'headline', 'description', 'instruction', 'web', 'contact', 'parameter', 'resource', 'area',
  ],
  area: ['areaDesc', 'polygon', 'circle', 'geocode', 'altitude', 'ceiling'],
  eventCode: ['valueName', 'value'],
  parameter: ['valueName', 'value'],
  geocode: ['valueName', 'value'],
  resource: ['resourceDesc', 'mimeType', 'size', 'uri', 'derefUri', 'digest'],
};

function checkTree(el: XmlElement, path: string): void {
  const names = Object.hasOwn(allowed, el.local) ? allowed[el.local] : undefined;
  if (!names) {
    if (el.children.length) refuse('cap_invalid', `<${path}> (line ${el.line}) must hold text, not elements`);
    return;
  }
  if (el.text.trim()) refuse('cap_invalid', `<${path}> (line ${el.line}) has text between its elements`);
  for (const c of el.children) {
    if (el.local === 'alert' && c.ns === XMLDSIG_NAMESPACE) continue; // a signature: allowed, not checked, not used
    if (c.ns !== CAP_NAMESPACE) {
      refuse('cap_namespace', `<${c.local}> (line ${c.line}) inside <${path}> is in namespace ${c.ns ?? '(none)'}, not CAP 1.2`);
    }
    if (!names.includes(c.local)) refuse('cap_invalid', `<${c.local}> (line ${c.line}) is not a CAP 1.2 element of <${el.local}>`);
    checkTree(c, `${path}/${c.local}`);
  }
}

const all = (el: XmlElement, name: string) => el.children.filter((c) => c.ns === CAP_NAMESPACE && c.local === name);

function optional(el: XmlElement, name: string, where: string): string | undefined {
  const found = all(el, name);
  if (found.length > 1) refuse('cap_invalid', `${where} has ${found.length} <${name}> elements; CAP allows one`);
  const text = found[0]?.text.trim();
  return text === '' ? undefined : text;
}

function required(el: XmlElement, name: string, where: string): string {
  const v = optional(el, name, where);
  if (v === undefined) refuse('cap_missing', `${where} has no <${name}>, which CAP requires`);
  return v!;
}

function oneOf<T extends string>(value: string, list: readonly T[], what: string): T {
  if (!(list as readonly string[]).includes(value)) refuse('cap_invalid', `${what} "${clip(value)}" is not one of ${list.join(', ')}`);
  return value as T;
}

function capTime(value: string, what: string): string {
  if (!CAP_DATETIME.test(value) || Number.isNaN(new Date(value).getTime())) {
    refuse('cap_invalid', `${what} "${clip(value)}" is not a CAP date and time like 2026-11-24T10:00:00+01:00`);
  }
  return value;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

function point(token: string, where: string, code: CapErrorCode = 'cap_polygon'): CapPosition {
  const parts = token.split(',');
  if (parts.length !== 2 || !NUMBER.test(parts[0]!) || !NUMBER.test(parts[1]!)) {
    return refuse(code, `${where}: "${clip(token)}" is not a "latitude,longitude" pair`);
  }
  const lat = Number(parts[0]);
  const lon = Number(parts[1]);
  if (lat < -90 || lat > 90) refuse(code, `${where}: latitude ${lat} is outside -90..90`);
  if (lon < -180 || lon > 180) refuse(code, `${where}: longitude ${lon} is outside -180..180`);
  return [lon, lat];
}

/** Whitespace after a comma is a common slip, not a different meaning: read "55.1, 12.3" as one pair. */
const tokens = (text: string) => text.replace(/\s*,\s*/g, ',').split(/\s+/).filter(Boolean);

function polygon(text: string, where: string): CapPosition[] {
  const ring = tokens(text).map((t, i) => point(t, `${where}, pair ${i + 1}`));
  if (ring.length < 4) refuse('cap_polygon', `${where} has ${ring.length} coordinate pairs; CAP requires at least 4 (a closed triangle)`);
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) refuse('cap_polygon', `${where} is not closed: its first and last pairs differ`);
  if (new Set(ring.slice(0, -1).map((p) => `${p[0]},${p[1]}`)).size < 3) {
    refuse('cap_polygon', `${where} has fewer than 3 distinct corners and encloses no area`);
  }
  return ring;
}

function circle(text: string, where: string): { center: CapPosition; radiusM: number } | null {
  const parts = tokens(text);
  if (parts.length !== 2 || !NUMBER.test(parts[1]!)) {
    return refuse('cap_circle', `${where}: "${clip(text.trim())}" is not "latitude,longitude radius-in-km"`);
  }
  const center = point(parts[0]!, where, 'cap_circle');
  const km = Number(parts[1]);
  // A negative radius is a broken file, not a point: it was reported as "radius 0" and dropped.
  if (km < 0) return refuse('cap_circle', `${where}: the radius ${parts[1]} km is negative`);
  return km > 0 ? { center, radiusM: km * 1000 } : null;
}

function language(tag: string | undefined): CapLanguage | null {
  const t = (tag ?? 'en-US').toLowerCase(); // CAP's default language is en-US
  if (t === 'da' || t.startsWith('da-')) return 'da-DK';
  if (t === 'en' || t.startsWith('en-')) return 'en-US';
  return null;
}

function category(info: XmlElement): AlertCategory {
  for (const code of all(info, 'eventCode')) {
    if (optional(code, 'valueName', '<eventCode>') === TRYK_CATEGORY_CODE) {
      const v = optional(code, 'value', '<eventCode>');
      if ((categories as readonly string[]).includes(v ?? '')) return v as AlertCategory;
    }
  }
  // From another sender: CAP's categories are coarser than ours; only Transport maps one to one.
  return all(info, 'category').some((c) => c.text.trim() === 'Transport') ? 'traffic' : 'general';
}

function readArea(el: XmlElement, where: string, warnings: string[]): CapAreaInput {
  const desc = required(el, 'areaDesc', where);
  const polygons = all(el, 'polygon').map((p, i) => polygon(p.text, `${where}, polygon ${i + 1}`));
  const circles = all(el, 'circle').flatMap((c, i) => {
    const read = circle(c.text, `${where}, circle ${i + 1}`);
    if (!read) warnings.push(`${where}, circle ${i + 1} has radius 0 (a point, not an area) and was left out`);
    return read ? [read] : [];
  });
  if (!polygons.length && !circles.length) {
    warnings.push(`${where} ("${desc}") has no polygon or circle${all(el, 'geocode').length ? ' (only geocodes)' : ''}: draw it on the map`);
  }
  if (all(el, 'altitude').length || all(el, 'ceiling').length) warnings.push(`${where}: altitude and ceiling were ignored`);
  return { desc, polygons, circles };
}

function toDraft(root: XmlElement, warnings: string[]): CapDraft {
  const id = required(root, 'identifier', '<alert>');
  const sender = required(root, 'sender', '<alert>');
  const sentAt = capTime(required(root, 'sent', '<alert>'), '<sent>');
  const status = oneOf(required(root, 'status', '<alert>'), capStatuses, '<status>');
  const msgTypeText = required(root, 'msgType', '<alert>');
  if (msgTypeText === 'Ack' || msgTypeText === 'Error') {
    refuse('cap_unsupported', `This is a CAP ${msgTypeText} message, a reply between systems, not an alert to import`);
  }
  const msgType = oneOf(msgTypeText, capMsgTypes, '<msgType>');
  const scope = oneOf(required(root, 'scope', '<alert>'), capScopes, '<scope>');
  const restriction = optional(root, 'restriction', '<alert>');
  const addresses = optional(root, 'addresses', '<alert>');
  const refText = optional(root, 'references', '<alert>');
  const references = refText?.split(/\s+/).map((r) => {
    const [s, i, t, ...rest] = r.split(',');
    if (!s || !i || !t || rest.length) refuse('cap_invalid', `<references> entry "${clip(r)}" is not "sender,identifier,sent"`);
    return { sender: s!, identifier: i!, sent: capTime(t!, '<references> sent') };
  });

  const infoEls = all(root, 'info');
  if (!infoEls.length) refuse('cap_missing', 'The alert has no <info>: there is nothing to tell anyone');
  const kept: { el: XmlElement; lang: CapLanguage; where: string }[] = [];
  infoEls.forEach((el, i) => {
    const where = `info ${i + 1}`;
    const tag = optional(el, 'language', where);
    const lang = language(tag);
    if (!lang) warnings.push(`${where} is in ${clip(tag ?? '')}; only Danish and English are kept`);
    else if (kept.some((k) => k.lang === lang)) warnings.push(`${where} is a second ${lang} block and was left out`);
    else kept.push({ el, lang, where });
  });
  if (!kept.length) refuse('cap_unsupported', 'The alert has no Danish or English <info>');

  const first = kept[0]!;
  const level = <T extends string>(name: string, list: readonly T[]): T => {
    const values = kept.map((k) => oneOf(required(k.el, name, k.where), list, `<${name}>`));
    if (new Set(values).size > 1) warnings.push(`The languages disagree on <${name}>: ${values.join(' / ')}; the first is kept`);
    return values[0]!;
  };
  for (const k of kept) if (!all(k.el, 'category').length) refuse('cap_missing', `${k.where} has no <category>, which CAP requires`);
  const expires = optional(first.el, 'expires', first.where);

  const infos = kept.map(({ el, lang, where }) => {
    const event = required(el, 'event', where);
    const headline = optional(el, 'headline', where);
    if (!headline) warnings.push(`${where} has no <headline>; its <event> is used`);
    const web = optional(el, 'web', where);
    const webOk = web !== undefined && /^https?:\/\/[^\s]+$/i.test(web);
    if (web !== undefined && !webOk) warnings.push(`${where}: <web> "${clip(web)}" is not an http(s) address and was left out`);
    if (all(el, 'resource').length) warnings.push(`${where}: attached resources were left out`);
    if (all(el, 'parameter').length) warnings.push(`${where}: parameters were left out`);
    return {
      language: lang,
      event,
      headline: headline ?? event,
      description: optional(el, 'description', where) ?? '',
      instruction: optional(el, 'instruction', where),
      senderName: optional(el, 'senderName', where),
      web: webOk ? web : undefined,
      contact: optional(el, 'contact', where),
    };
  });

  // CAP puts areas in each info; usually every language repeats the same ones. The union,
  // duplicates removed, is the place the alert is about.
  const areas: CapAreaInput[] = [];
  const seen = new Set<string>();
  for (const k of kept) {
    all(k.el, 'area').forEach((a, i) => {
      const area = readArea(a, `${k.where}, area ${i + 1}`, warnings);
      const key = JSON.stringify(area);
      if (!seen.has(key)) {
        seen.add(key);
        areas.push(area);
      }
    });
  }

  const draft = {
    id,
    sender,
    sentAt,
    status,
    msgType,
    ...(references ? { references } : {}),
    scope,
    ...(restriction ? { restriction } : {}),
    ...(addresses ? { addresses } : {}),
    category: category(first.el),
    urgency: level('urgency', capUrgencies),
    severity: level('severity', capSeverities),
    certainty: level('certainty', capCertainties),
    ...(expires ? { expiresAt: capTime(expires, '<expires>') } : {}),
    infos,
    areas,
  };
  // The same rules as an alert we write, so an imported draft can always be exported again.
  const checked = CapAlertInputSchema.safeParse(draft);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    refuse('cap_invalid', `${issue.path.join('.') || 'alert'}: ${issue.message}`);
  }
  return { ...checked.data, sentAt, ...(expires ? { expiresAt: expires } : {}), ...(references ? { references } : {}) } as CapDraft;
}

/**
 * A CAP 1.2 document as a draft alert, or the reason it is refused. Refused: anything over
 * 1 MiB, DOCTYPE/ENTITY declarations, nesting over 20 deep, elements outside the CAP 1.2
 * namespace (except an XML signature), missing required elements, bad values and malformed
 * areas. `warnings` lists what was read but left out.
 */
export function fromCap(xml: string): CapResult<CapDraft> {
  if (typeof xml !== 'string') return { ok: false, code: 'cap_not_xml', message: 'The document is not text' };
  const parsed = parseXml(xml);
  if (!parsed.ok) return { ok: false, code: parsed.code, message: parsed.message };
  const root = parsed.root;
  if (root.local !== 'alert' || root.ns !== CAP_NAMESPACE) {
    const what = root.ns?.startsWith('urn:oasis:names:tc:emergency:cap:') ? `CAP ${root.ns.split(':').pop()}` : `<${root.local}> in ${root.ns ?? 'no namespace'}`;
    return { ok: false, code: 'cap_namespace', message: `Expected a CAP 1.2 <alert> (${CAP_NAMESPACE}), found ${what}` };
  }
  const warnings: string[] = [];
  try {
    checkTree(root, 'alert');
    return { ok: true, value: toDraft(root, warnings), warnings };
  } catch (e) {
    if (e instanceof Refuse) return { ok: false, code: e.code, message: e.message } satisfies { ok: false } & CapError;
    throw e;
  }
}
