import { describe, expect, it } from 'vitest';
import { parseXml } from '../../../shared/cap/xml';
import type { XmlElement } from '../../../shared/cap/xml';

const root = (xml: string): XmlElement => {
  const r = parseXml(xml);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.root;
};
const error = (xml: string, limits?: { maxBytes: number; maxDepth: number }) => {
  const r = parseXml(xml, limits);
  if (r.ok) throw new Error('expected a refusal');
  return r;
};

describe('parseXml', () => {
  it('resolves default and prefixed namespaces by scope', () => {
    const r = root('<a xmlns="urn:one" xmlns:t="urn:two"><b/><t:c><d xmlns="urn:three"/><e/></t:c><f xmlns=""/></a>');
    expect(r.ns).toBe('urn:one');
    const [b, c, f] = r.children;
    expect([b!.ns, b!.local]).toEqual(['urn:one', 'b']);
    expect([c!.ns, c!.local]).toEqual(['urn:two', 'c']);
    expect(c!.children.map((x) => x.ns)).toEqual(['urn:three', 'urn:one']);
    expect(f!.ns).toBeNull();
  });

  it('decodes the predefined entities, character references, CDATA, and normalises line ends', () => {
    const r = root("<a>&lt;&gt;&amp;&quot;&apos; &#229;&#xE6;&#x1F6A8; <![CDATA[<&>]]>\r\nx&#13;</a>");
    expect(r.text).toBe('<>&"\' åæ🚨 <&>\nx\r');
  });

  it('keeps attribute values out of the text and refuses duplicates and "<" in them', () => {
    expect(root('<a x="1" y=\'2\'>t</a>').text).toBe('t');
    expect(error('<a x="1" x="2"/>').message).toMatch(/appears twice/);
    expect(error('<a x="<"/>').code).toBe('cap_not_xml');
    expect(error('<a x=1/>').message).toMatch(/quoted/);
  });

  it('refuses undeclared prefixes, reserved namespace bindings and character references XML forbids', () => {
    expect(error('<p:a/>').code).toBe('cap_namespace');
    expect(error('<a p:x="1"/>').code).toBe('cap_namespace');
    expect(error('<a xmlns:p="http://www.w3.org/2000/xmlns/"/>').code).toBe('cap_namespace');
    expect(error('<a>&#0;</a>').code).toBe('cap_not_xml');
    expect(error('<a>&#xD800;</a>').code).toBe('cap_not_xml');
    expect(error('<a>&#x110000;</a>').code).toBe('cap_not_xml');
  });

  it('refuses every kind of DTD markup, wherever it is', () => {
    for (const x of ['<!DOCTYPE a><a/>', '<a><!ENTITY x "y"></a>', '<a/><!DOCTYPE a>', '<a><!ELEMENT a ANY></a>', '<!doctype a><a/>']) {
      expect(error(x).code, x).toBe('cap_doctype');
    }
  });

  it('refuses broken structure with the line it is on', () => {
    expect(error('<a>\n<b>\n</a>').message).toMatch(/<\/a> does not close <b> \(line 3\)/);
    expect(error('<a>\n<b></b>').message).toMatch(/never closed/);
    expect(error('<a/>trailing').message).toMatch(/after the root/);
    expect(error('<a><!-- a -- b --></a>').code).toBe('cap_not_xml');
    expect(error('<a>]]></a>').code).toBe('cap_not_xml');
    expect(error('<a><?xml version="1.0"?></a>').code).toBe('cap_not_xml');
    expect(error('<a><![CDATA[x</a>').message).toMatch(/Unterminated CDATA/);
  });

  it('applies the limits it is given, in bytes and depth', () => {
    expect(error('<a>ææ</a>', { maxBytes: 10, maxDepth: 5 }).code).toBe('cap_too_large'); // 9 characters, 11 bytes
    expect(root('<a>æ</a>').text).toBe('æ');
    expect(error('<a><a><a></a></a></a>', { maxBytes: 1000, maxDepth: 2 }).code).toBe('cap_too_deep');
    expect(root('<a><a></a></a>').children).toHaveLength(1);
  });

  it('caps attributes per element and namespaces in scope, so a hostile document stays cheap', () => {
    const attrs = Array.from({ length: 65 }, (_, i) => `a${i}=""`).join(' ');
    expect(error(`<a ${attrs}/>`).code).toBe('cap_too_large');
    expect(root(`<a ${attrs.split(' ').slice(0, 64).join(' ')}/>`).local).toBe('a');
    const nss = Array.from({ length: 33 }, (_, i) => `xmlns:p${i}="urn:${i}"`).join(' ');
    expect(error(`<a ${nss}/>`).code).toBe('cap_too_large');
  });

  it('reads a large flat document in linear time', () => {
    // Linear, not a wall-clock bound: four times the document costs about four times as much
    // (a quadratic reader would cost sixteen), each size timed at its best of three so a busy
    // machine slows both alike.
    const doc = (n: number) => `<a>${'<b>x</b>\n'.repeat(n)}</a>`;
    const best = (xml: string, n: number) => {
      let ms = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        expect(root(xml).children).toHaveLength(n);
        ms = Math.min(ms, performance.now() - started);
      }
      return ms;
    };
    const small = best(doc(22_500), 22_500);
    const large = best(doc(90_000), 90_000);
    expect(large / Math.max(small, 1)).toBeLessThan(10);
  });
});
