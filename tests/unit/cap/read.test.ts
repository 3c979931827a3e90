import { describe, expect, it } from 'vitest';
import { CAP_NAMESPACE, fromCap, toCap } from '../../../shared/cap';
import type { CapAlertInput, CapDraft } from '../../../shared/cap';
import { burglary, validateCap } from './fixtures';

const NS = CAP_NAMESPACE;

/** A minimal valid CAP 1.2 alert from another sender, with a hole to put things in. */
const external = (info = defaultInfo, head = '') => `<?xml version="1.0" encoding="UTF-8"?>
${head}<alert xmlns="${NS}">
  <identifier>DK-BEREDSKAB-17</identifier>
  <sender>beredskab@example.dk</sender>
  <sent>2026-11-24T10:00:00+01:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  ${info}
</alert>`;
const defaultInfo = `<info>
    <language>da-DK</language>
    <category>Safety</category>
    <event>Røgudvikling</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <headline>Luk vinduer og døre</headline>
    <description>Kraftig røg fra brand.</description>
    <area>
      <areaDesc>Kalundborg Havn</areaDesc>
      <polygon>55.68,11.08 55.68,11.10 55.69,11.10 55.68,11.08</polygon>
    </area>
  </info>`;
const withArea = (area: string) => defaultInfo.replace(/<area>[\s\S]*<\/area>/, `<area><areaDesc>A</areaDesc>${area}</area>`);

const refused = (xml: string) => {
  const r = fromCap(xml);
  if (r.ok) throw new Error('expected the document to be refused');
  return r;
};
const accepted = (xml: string) => {
  const r = fromCap(xml);
  if (!r.ok) throw new Error(`expected the document to be accepted: ${r.code} ${r.message}`);
  return r;
};

describe('fromCap: round trips', () => {
  const roundTrip = async (alert: CapAlertInput): Promise<CapDraft> => {
    const xml = toCap(alert);
    expect((await validateCap(xml)).ok).toBe(true);
    return accepted(xml).value;
  };

  it('reads back what toCap wrote, with times as written and rings closed', async () => {
    const back = await roundTrip(burglary());
    const original = burglary();
    expect(back).toMatchObject({
      id: original.id,
      sender: original.sender,
      sentAt: '2026-11-24T10:00:00+01:00',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      category: 'burglary',
      urgency: 'Expected',
      severity: 'Moderate',
      certainty: 'Likely',
    });
    expect(back.infos).toEqual(original.infos.map((i) => ({ ...i })));
    expect(back.areas).toEqual(original.areas);
    expect(toCap(back)).toBe(toCap(original)); // a fixed point: export → import → export changes nothing
  });

  it('keeps each of our categories through CAP, though CAP\'s own are coarser', async () => {
    for (const category of ['wanted_vehicle', 'fraud', 'traffic', 'prevention', 'general', 'missing_person'] as const) {
      expect((await roundTrip({ ...burglary(), category })).category).toBe(category);
    }
  });

  it('keeps an Update\'s references, circles and several areas', async () => {
    const alert: CapAlertInput = {
      ...burglary(),
      msgType: 'Update',
      references: [{ sender: 'nordsjaelland@politi.dk', identifier: 'tryk-nsj-2026-000041', sent: '2026-11-24T08:00:00+01:00' }],
      areas: [
        ...burglary().areas,
        { desc: 'Radius om Slotssøen', polygons: [], circles: [{ center: [12.2972543, 55.9342112], radiusM: 1234 }] },
      ],
    };
    const back = await roundTrip(alert);
    expect(back.references).toEqual(alert.references);
    expect(back.areas).toEqual(alert.areas);
  });
});

describe('fromCap: documents from other senders', () => {
  it('reads a minimal external alert with warnings for what it leaves out', () => {
    const r = accepted(external());
    expect(r.value).toMatchObject({ id: 'DK-BEREDSKAB-17', category: 'general', urgency: 'Immediate', sentAt: '2026-11-24T10:00:00+01:00' });
    expect(r.value.areas).toEqual([
      { desc: 'Kalundborg Havn', polygons: [[[11.08, 55.68], [11.1, 55.68], [11.1, 55.69], [11.08, 55.68]]], circles: [] },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('defaults the language to en-US, keeps Danish and English, and says what else it dropped', () => {
    const de = defaultInfo.replace('da-DK', 'de-DE');
    const none = defaultInfo.replace('<language>da-DK</language>', '').replace('Luk vinduer', 'Close windows');
    const r = accepted(external(`${de}${none}${defaultInfo.replace('<headline>Luk vinduer og døre</headline>', '')}`));
    expect(r.value.infos.map((i) => i.language)).toEqual(['en-US', 'da-DK']);
    expect(r.value.infos[1]!.headline).toBe('Røgudvikling'); // no headline: its event
    expect(r.warnings.join('\n')).toMatch(/info 1 is in de-DE/);
    expect(r.warnings.join('\n')).toMatch(/info 3 has no <headline>/);
    expect(r.value.areas).toHaveLength(1); // the same area in each info, read once
  });

  it('reads CDATA as text and skips comments and processing instructions', () => {
    const info = defaultInfo.replace('<description>Kraftig røg fra brand.</description>', '<description><![CDATA[Røg & <damp>]]> og <!-- not text --> mere<?pi x?></description>');
    expect(accepted(external(info)).value.infos[0]!.description).toBe('Røg & <damp> og  mere');
  });

  it('accepts a prefixed namespace, a BOM, CRLF line ends and an XML signature', async () => {
    const prefixed = toCap(burglary())
      .replace(`<alert xmlns="${NS}">`, `<cap:alert xmlns:cap="${NS}">`)
      .replace(/<(\/?)(?!\?)(\w+)>/g, '<$1cap:$2>')
      .replace('</cap:alert>', '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature></cap:alert>');
    expect((await validateCap(prefixed)).ok).toBe(true);
    const r = accepted(`\uFEFF${prefixed.replace(/\n/g, '\r\n')}`);
    expect(r.value.id).toBe('tryk-nsj-2026-000042');
    expect(r.value.infos[0]!.description).toBe(burglary().infos[0]!.description);
  });

  it('refuses Ack and Error messages and alerts without a Danish or English info', () => {
    expect(refused(external().replace('<msgType>Alert</msgType>', '<msgType>Ack</msgType>')).code).toBe('cap_unsupported');
    expect(refused(external(defaultInfo.replace('da-DK', 'sv-SE'))).code).toBe('cap_unsupported');
  });
});

describe('fromCap: hostile and malformed documents', () => {
  it('refuses billion laughs without expanding anything', () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  ${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n  ')}
]>
<alert xmlns="${NS}"><identifier>&lol9;</identifier></alert>`;
    const started = Date.now();
    const r = refused(lol);
    expect(r.code).toBe('cap_doctype');
    expect(r.message).toMatch(/Document type and entity declarations are not accepted/);
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('refuses an external entity and never reads the file', () => {
    const xxe = external().replace('<alert', '<!DOCTYPE alert [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<alert').replace('DK-BEREDSKAB-17', '&xxe;');
    const r = refused(xxe);
    expect(r.code).toBe('cap_doctype');
    expect(r.message).not.toMatch(/root:/);
  });

  it('refuses an undeclared entity reference and a bare ampersand', () => {
    expect(refused(external().replace('DK-BEREDSKAB-17', '&xxe;')).code).toBe('cap_doctype');
    expect(refused(external().replace('DK-BEREDSKAB-17', 'A & B')).code).toBe('cap_not_xml');
  });

  it('refuses a 2 MiB document before parsing it', () => {
    const big = external(defaultInfo.replace('Kraftig røg fra brand.', 'x'.repeat(2 * 1024 * 1024)));
    const r = refused(big);
    expect(r.code).toBe('cap_too_large');
    expect(r.message).toMatch(/larger than 1024 KiB/);
    // Multi-byte text counts in bytes: 600 k "ø" is 1.2 MB of UTF-8 in 600 k code units.
    expect(refused(external(defaultInfo.replace('Kraftig røg fra brand.', 'ø'.repeat(600_000)))).code).toBe('cap_too_large');
  });

  it('refuses nesting deeper than 20', () => {
    const deep = `${'<x>'.repeat(25)}${'</x>'.repeat(25)}`;
    const r = refused(external(defaultInfo.replace('<description>', `<description>${deep}`)));
    expect(r.code).toBe('cap_too_deep');
    expect(refused(`${'<a>'.repeat(100_000)}`).code).toBe('cap_too_deep');
  });

  it('refuses what is not XML, with a line number', () => {
    for (const text of ['', 'just text', '{"identifier":"x"}', '<alert', `<alert xmlns="${NS}"><identifier>x</sender></alert>`, `<alert xmlns="${NS}"/><alert xmlns="${NS}"/>`]) {
      expect(refused(text).code, text).toBe('cap_not_xml');
    }
    expect(refused(external().replace('</sender>', '</sendr>')).message).toMatch(/line 4/);
    expect(refused(external().replace('Actual', 'Act\u0001ual')).code).toBe('cap_not_xml');
    expect(refused(external().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')).message).toMatch(/only UTF-8/);
  });

  it('refuses the wrong namespace: none, CAP 1.1, another inside, an undeclared prefix', () => {
    expect(refused(external().replace(` xmlns="${NS}"`, '')).code).toBe('cap_namespace');
    const v11 = refused(external().replace(NS, 'urn:oasis:names:tc:emergency:cap:1.1'));
    expect(v11.code).toBe('cap_namespace');
    expect(v11.message).toMatch(/found CAP 1\.1/);
    expect(refused(external(defaultInfo.replace('<headline>', '<evil xmlns="urn:x">1</evil><headline>'))).code).toBe('cap_namespace');
    expect(refused(external().replace('<status>', '<x:status>').replace('</status>', '</x:status>')).code).toBe('cap_namespace');
  });

  it('refuses missing required elements, unknown elements and bad values', () => {
    expect(refused(external().replace(/<sender>.*<\/sender>/, '')).message).toMatch(/no <sender>/);
    expect(refused(external(defaultInfo.replace(/<event>.*<\/event>/, ''))).code).toBe('cap_missing');
    expect(refused(external(defaultInfo.replace(/<category>.*<\/category>/, ''))).code).toBe('cap_missing');
    expect(refused(external(' ')).code).toBe('cap_missing'); // no info at all
    expect(refused(external().replace('<scope>', '<frob>1</frob><scope>')).message).toMatch(/<frob>.*not a CAP 1\.2 element/);
    expect(refused(external().replace('Actual', 'Real')).message).toMatch(/<status> "Real" is not one of/);
    expect(refused(external().replace('2026-11-24T10:00:00+01:00', '2026-11-24T09:00:00Z')).message).toMatch(/<sent>/);
    expect(refused(external().replace('<status>Actual</status>', '<status>Actual</status><status>Test</status>')).message).toMatch(/allows one/);
    expect(refused(external().replace('DK-BEREDSKAB-17', 'DK BEREDSKAB 17')).message).toMatch(/^id: must not contain spaces/);
    expect(refused(external().replace('<msgType>Alert</msgType>', '<msgType>Update</msgType>')).message).toMatch(/references/);
    expect(refused(external().replace('<scope>Public</scope>', '<scope>Public</scope><references>x,y</references>')).message).toMatch(/sender,identifier,sent/);
  });

  it('refuses malformed polygons: odd pairs, open rings, out of range, too few points', () => {
    const poly = (p: string) => refused(external(withArea(`<polygon>${p}</polygon>`)));
    expect(poly('55.68 11.08 55.68 11.10 55.69 11.10 55.68 11.08').message).toMatch(/"55.68" is not a "latitude,longitude" pair/);
    expect(poly('55.68,11.08 55.68,11.10 55.69,11.10 55.68').message).toMatch(/pair 4/);
    expect(poly('55.68,11.08,1 55.68,11.10 55.69,11.10 55.68,11.08').code).toBe('cap_polygon');
    expect(poly('55.68,11.08 55.68,11.10 55.69,11.10 55.70,11.08').message).toMatch(/not closed/);
    expect(poly('95.68,11.08 55.68,11.10 55.69,11.10 95.68,11.08').message).toMatch(/latitude 95.68 is outside/);
    expect(poly('55.68,191.08 55.68,11.10 55.69,11.10 55.68,191.08').message).toMatch(/longitude 191.08 is outside/);
    expect(poly('55.68,11.08 55.69,11.10 55.68,11.08').message).toMatch(/at least 4/);
    expect(poly('55.68,11.08 55.69,11.10 55.69,11.10 55.68,11.08').message).toMatch(/fewer than 3 distinct/);
    expect(poly('55.68,abc 55.68,11.10 55.69,11.10 55.68,abc').code).toBe('cap_polygon');
    // A space after the comma is a slip we read through.
    expect(accepted(external(withArea('<polygon>55.68, 11.08 55.68, 11.10 55.69, 11.10 55.68, 11.08</polygon>'))).value.areas[0]!.polygons).toHaveLength(1);
  });

  it('refuses malformed circles and leaves out points with radius 0', () => {
    const circle = (c: string) => fromCap(external(withArea(`<circle>${c}</circle>`)));
    const bad = circle('55.68,11.08');
    expect(!bad.ok && bad.code).toBe('cap_circle');
    const far = circle('55.68,211.08 2');
    expect(!far.ok && far.message).toMatch(/longitude/);
    const point = circle('55.68,11.08 0');
    expect(point.ok && point.value.areas[0]!.circles).toEqual([]);
    expect(point.ok && point.warnings.join()).toMatch(/radius 0/);
    const km = circle('55.68,11.08 2.5');
    expect(km.ok && km.value.areas[0]!.circles).toEqual([{ center: [11.08, 55.68], radiusM: 2500 }]);
  });
});
