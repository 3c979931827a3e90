import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, formatCapDateTime, fromCap, toCap } from '../../../shared/cap';
import type { CapAlertInput } from '../../../shared/cap';
import { isTrykError } from '../../../shared/bridge/result';
import { burglary, validateCap } from './fixtures';

const tag = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);

describe('the schema check itself', () => {
  it('rejects a document with elements out of order, so a pass means something', async () => {
    const good = toCap(burglary());
    expect((await validateCap(good)).ok).toBe(true);
    const swapped = good.replace(/<identifier>([^<]*)<\/identifier>\n(\s*)<sender>([^<]*)<\/sender>/, '<sender>$3</sender>\n$2<identifier>$1</identifier>');
    expect(swapped).not.toBe(good);
    const v = (await validateCap(swapped));
    expect(v.ok).toBe(false);
    expect(v.output).toMatch(/fails to validate/);
  });
});

describe('toCap', () => {
  it('writes a single-info alert that validates against the CAP 1.2 schema', async () => {
    const alert = { ...burglary(), infos: [burglary().infos[0]!] };
    const xml = toCap(alert);
    const v = (await validateCap(xml));
    expect(v.output).toMatch(/validates/);
    expect(v.ok).toBe(true);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">/);
    expect(tag(xml, 'sent')).toEqual(['2026-11-24T10:00:00+01:00']);
    expect(tag(xml, 'category')).toEqual(['Security']);
    expect(tag(xml, 'language')).toEqual(['da-DK']);
  });

  it('writes one info per language, each with every area', async () => {
    const xml = toCap(burglary());
    expect((await validateCap(xml)).ok).toBe(true);
    expect(tag(xml, 'language')).toEqual(['da-DK', 'en-US']);
    expect(tag(xml, 'areaDesc')).toEqual(['Hillerød centrum', 'Hillerød centrum']);
    expect(tag(xml, 'headline')).toEqual(['Indbrud i Hillerød', 'Burglaries in Hillerød']);
  });

  it('writes polygons lat-first and closed, and circles in kilometres', async () => {
    const alert: CapAlertInput = {
      ...burglary(),
      category: 'missing_person',
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Observed',
      areas: [
        {
          desc: 'Gribskov',
          // open ring: the writer closes it
          polygons: [[[12.2, 56.0], [12.3, 56.0], [12.25, 56.05]]],
          circles: [{ center: [12.3101, 55.9302], radiusM: 1500 }],
        },
        { desc: 'Rundt om Esrum Sø', polygons: [], circles: [{ center: [12.37, 56.0], radiusM: 250 }] },
      ],
    };
    const xml = toCap(alert);
    expect((await validateCap(xml)).ok).toBe(true);
    expect(tag(xml, 'polygon')[0]).toBe('56,12.2 56,12.3 56.05,12.25 56,12.2');
    expect(tag(xml, 'circle').slice(0, 2)).toEqual(['55.9302,12.3101 1.5', '56,12.37 0.25']);
    expect(tag(xml, 'category')[0]).toBe('Rescue');
  });

  it('writes an Update with references to the original as sender,identifier,sent', async () => {
    const original = burglary();
    const update: CapAlertInput = {
      ...burglary(),
      id: 'tryk-nsj-2026-000043',
      sentAt: '2026-11-24T11:30:00Z',
      msgType: 'Update',
      references: [{ sender: original.sender, identifier: original.id, sent: original.sentAt }],
    };
    const xml = toCap(update);
    expect((await validateCap(xml)).ok).toBe(true);
    expect(tag(xml, 'references')).toEqual([`nordsjaelland@politi.dk,tryk-nsj-2026-000042,${tag(toCap(original), 'sent')[0]}`]);
    expect(tag(xml, 'msgType')).toEqual(['Update']);
  });

  it('writes a Cancel, a Restricted exercise and an expiry that all validate', async () => {
    const cancel: CapAlertInput = {
      ...burglary(),
      msgType: 'Cancel',
      status: 'Exercise',
      scope: 'Restricted',
      restriction: 'Kun til politiets vagtcentraler',
      expiresAt: new Date('2026-11-25T09:00:00Z'),
      references: [
        { sender: 'nordsjaelland@politi.dk', identifier: 'a', sent: '2026-11-24T10:00:00+01:00' },
        { sender: 'nordsjaelland@politi.dk', identifier: 'b', sent: '2026-11-24T10:05:00+01:00' },
      ],
    };
    const xml = toCap(cancel);
    expect((await validateCap(xml)).output).toMatch(/validates/);
    expect(tag(xml, 'restriction')).toEqual(['Kun til politiets vagtcentraler']);
    expect(tag(xml, 'expires')).toEqual(['2026-11-25T10:00:00+01:00', '2026-11-25T10:00:00+01:00']);
    expect(tag(xml, 'references')[0]).toBe(
      'nordsjaelland@politi.dk,a,2026-11-24T10:00:00+01:00 nordsjaelland@politi.dk,b,2026-11-24T10:05:00+01:00',
    );
  });

  it('escapes markup, keeps æøå and emoji, and drops what XML cannot carry', async () => {
    const nasty = 'Tyv & co. <script>alert("x")</script> \'it\' æøå ÆØÅ 🚓👮 \u0000\u0007\uFFFF end';
    const alert: CapAlertInput = {
      ...burglary(),
      infos: [{ ...burglary().infos[0]!, headline: nasty, description: `]]> <![CDATA[ x ]]> &amp; \ud800 lone` }],
      areas: [{ desc: 'Nørre & Søndre <Fælled>', polygons: [], circles: [{ center: [12.3, 55.9], radiusM: 800 }] }],
    };
    const xml = toCap(alert);
    const v = (await validateCap(xml));
    expect(v.output).toMatch(/validates/);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('Tyv &amp; co. &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &apos;it&apos; æøå ÆØÅ 🚓👮  end');
    const back = fromCap(xml);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.value.infos[0]!.headline).toBe('Tyv & co. <script>alert("x")</script> \'it\' æøå ÆØÅ 🚓👮  end');
    expect(back.value.infos[0]!.description).toBe(']]> <![CDATA[ x ]]> &amp;  lone');
    expect(back.value.areas[0]!.desc).toBe('Nørre & Søndre <Fælled>');
  });

  it('refuses input CAP cannot carry, naming the field', () => {
    const refused = (a: CapAlertInput, field: RegExp) => {
      let e: unknown;
      try {
        toCap(a);
      } catch (x) {
        e = x;
      }
      expect(isTrykError(e) && e.code).toBe('bad_request');
      expect((e as Error).message).toMatch(field);
    };
    refused({ ...burglary(), id: 'has space' }, /^Cannot write CAP: id /);
    refused({ ...burglary(), sender: 'a,b' }, /sender/);
    refused({ ...burglary(), msgType: 'Update' }, /references/);
    refused({ ...burglary(), scope: 'Private' }, /addresses/);
    refused({ ...burglary(), infos: [burglary().infos[0]!, burglary().infos[0]!] }, /one info per language/);
    refused({ ...burglary(), areas: [{ desc: 'x', polygons: [[[12, 55], [12.1, 55], [12, 55]]], circles: [] }] }, /three distinct corners/);
    refused({ ...burglary(), areas: [{ desc: 'x', polygons: [[[12, 95], [12.1, 55], [12, 56]]], circles: [] }] }, /areas/);
    refused({ ...burglary(), sentAt: 'tomorrow' }, /sentAt/);
    refused({ ...burglary(), infos: [{ ...burglary().infos[0]!, web: 'javascript:alert(1)' }] }, /infos\.0\.web/);
  });

  it('any headline text survives a round trip and always validates', async () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (text) => {
        const kept = text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').trim();
        fc.pre(kept.length > 0);
        const xml = toCap({ ...burglary(), infos: [{ ...burglary().infos[0]!, headline: text }] });
        const back = fromCap(xml);
        expect(back.ok && back.value.infos[0]!.headline).toBe(kept);
      }),
      { numRuns: 300 },
    );
    // The schema is slow to run per case: a handful of the nastiest strings instead.
    for (const h of ['\t<&>"\'', '\u{1F6A8} \uFFFD', 'a\r\nb', '  x  ']) {
      expect((await validateCap(toCap({ ...burglary(), infos: [{ ...burglary().infos[0]!, headline: h }] }))).ok).toBe(true);
    }
  });
});

describe('formatCapDateTime', () => {
  it('writes local Danish time with its offset, winter and summer, whole seconds', () => {
    expect(formatCapDateTime(new Date('2026-11-24T09:00:00.987Z'))).toBe('2026-11-24T10:00:00+01:00');
    expect(formatCapDateTime(new Date('2026-07-01T22:30:05Z'))).toBe('2026-07-02T00:30:05+02:00');
    expect(formatCapDateTime('2026-03-29T00:59:59Z')).toBe('2026-03-29T01:59:59+01:00');
    expect(formatCapDateTime('2026-03-29T01:00:00Z')).toBe('2026-03-29T03:00:00+02:00');
  });

  it('writes UTC as -00:00, as CAP requires, and other zones with their offsets', () => {
    expect(formatCapDateTime(new Date('2026-11-24T09:00:00Z'), 'UTC')).toBe('2026-11-24T09:00:00-00:00');
    expect(formatCapDateTime(new Date('2026-11-24T09:00:00Z'), 'America/St_Johns')).toBe('2026-11-24T05:30:00-03:30');
  });

  it('keeps a time already in CAP form exactly as written', () => {
    expect(formatCapDateTime('2026-11-24T09:00:00-05:00')).toBe('2026-11-24T09:00:00-05:00');
  });

  it('escapes the five markup characters and strips non-XML characters', () => {
    expect(escapeXml('<a href="x">&\'</a>\u0001\uFFFE')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });
});
