/**
 * Just enough XML for CAP, written here because shared/ may use no XML library and no DOM:
 * text escaping for the writer, and a small non-validating reader for untrusted documents.
 *
 * The reader is safe by construction rather than by configuration: it has no DTD support at
 * all, so a DOCTYPE or ENTITY declaration is refused (no entity expansion, no external
 * entities, nothing fetched), only the five predefined entities and character references
 * are understood, and size and nesting depth are capped before any work is done.
 */

export type XmlErrorCode = 'cap_too_large' | 'cap_not_xml' | 'cap_doctype' | 'cap_too_deep' | 'cap_namespace';

export interface XmlError {
  code: XmlErrorCode;
  message: string;
}

export interface XmlElement {
  /** The namespace URI, or null for an element in no namespace. */
  ns: string | null;
  local: string;
  children: XmlElement[];
  /** Character data and CDATA directly inside this element, in order, concatenated. */
  text: string;
  line: number;
}

export interface XmlLimits {
  /** In UTF-8 bytes. */
  maxBytes: number;
  /** Elements nested inside each other, the root counting as 1. */
  maxDepth: number;
}

export const defaultXmlLimits: XmlLimits = { maxBytes: 1024 * 1024, maxDepth: 20 };

/** Characters XML 1.0 allows at all (§2.2); anything else cannot be written, even escaped. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'gu');

/**
 * Text safe inside an element or a quoted attribute. Characters XML 1.0 cannot carry at all
 * (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped: there is no escape for
 * them. A carriage return is written as a reference so a reader does not turn it into \n.
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHARS, '').replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!);
}
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** UTF-8 length without TextEncoder (not in shared/'s environment). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const NAME = /[\p{L}_][\p{L}\p{N}_.\-\u00B7]*(?::[\p{L}_][\p{L}\p{N}_.\-\u00B7]*)?/uy;
const WS = /[ \t\n]*/y;
/**
 * CAP elements have no attributes and a document uses a handful of namespaces. The caps keep
 * duplicate checks and namespace-scope copies cheap on a hostile document.
 */
const MAX_ATTRIBUTES = 64;
const MAX_NAMESPACES = 32;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

class Fail extends Error {
  constructor(
    readonly code: XmlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Parses a whole document into its root element, or says why not. */
export function parseXml(input: string, limits: XmlLimits = defaultXmlLimits): { ok: true; root: XmlElement } | ({ ok: false } & XmlError) {
  // Cheap checks first: a code unit is at least one UTF-8 byte, so a long string is refused
  // without being scanned.
  if (input.length > limits.maxBytes || utf8Length(input) > limits.maxBytes) {
    return { ok: false, code: 'cap_too_large', message: `The document is larger than ${Math.round(limits.maxBytes / 1024)} KiB` };
  }
  try {
    return { ok: true, root: new Reader(input, limits).document() };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

interface Open {
  el: XmlElement;
  qname: string;
  scope: Map<string, string>;
}

class Reader {
  private readonly src: string;
  private pos = 0;

  constructor(input: string, private readonly limits: XmlLimits) {
    // §2.11: every line break is \n to an XML application.
    this.src = (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input).replace(/\r\n?/g, '\n');
  }

  private lineAt = 0;
  private lineNo = 1;

  /** Line of an offset; offsets mostly grow, so counting resumes where it stopped (linear overall). */
  private line(at = this.pos): number {
    if (at < this.lineAt) {
      this.lineAt = 0;
      this.lineNo = 1;
    }
    for (let i = this.lineAt; i < at && i < this.src.length; i++) if (this.src.charCodeAt(i) === 10) this.lineNo++;
    this.lineAt = Math.max(this.lineAt, Math.min(at, this.src.length));
    return this.lineNo;
  }

  private fail(code: XmlErrorCode, message: string, at = this.pos): never {
    // Names in messages come from the document: keep a hostile one from filling a log.
    const short = message.length > 200 ? `${message.slice(0, 200)}…` : message;
    throw new Fail(code, `${short} (line ${this.line(at)})`);
  }

  private starts(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  private skipWs(): boolean {
    WS.lastIndex = this.pos;
    WS.exec(this.src);
    const moved = WS.lastIndex !== this.pos;
    this.pos = WS.lastIndex;
    return moved;
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail('cap_not_xml', 'Expected a name');
    this.pos = NAME.lastIndex;
    return m[0];
  }

  private until(end: string, what: string): string {
    const at = this.src.indexOf(end, this.pos);
    if (at < 0) this.fail('cap_not_xml', `Unterminated ${what}`);
    const body = this.src.slice(this.pos, at);
    this.pos = at + end.length;
    return body;
  }

  document(): XmlElement {
    const bad = NOT_XML_CHAR.exec(this.src);
    if (bad) this.fail('cap_not_xml', `Character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, bad.index);
    if (this.starts('<?xml') && /[\s?]/.test(this.src[5] ?? '')) this.declaration();
    this.misc();
    if (!this.starts('<') || this.starts('</')) this.fail('cap_not_xml', this.pos >= this.src.length ? 'The document is empty' : 'Expected the root element');
    const root = this.element();
    this.misc();
    if (this.pos < this.src.length) this.fail('cap_not_xml', 'Content after the root element');
    return root;
  }

  private declaration(): void {
    this.pos = 5;
    const body = this.until('?>', 'XML declaration');
    const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(body)?.[1];
    if (!/version\s*=\s*["']1\.\d["']/.test(body)) this.fail('cap_not_xml', 'The XML declaration has no version 1.x', 0);
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
      this.fail('cap_not_xml', `The document declares encoding ${encoding}: only UTF-8 is accepted`, 0);
    }
  }

  /** Comments, processing instructions and white space; never a DTD. */
  private misc(): void {
    for (;;) {
      this.skipWs();
      if (this.starts('<!--')) this.comment();
      else if (this.starts('<?')) this.pi();
      else if (this.starts('<!')) this.markupDeclaration();
      else return;
    }
  }

  private comment(): void {
    this.pos += 4;
    const body = this.until('-->', 'comment');
    if (body.includes('--') || body.endsWith('-')) this.fail('cap_not_xml', '"--" inside a comment');
  }

  private pi(): void {
    const at = this.pos;
    this.pos += 2;
    const target = this.name();
    if (target.toLowerCase() === 'xml') this.fail('cap_not_xml', 'An XML declaration is only allowed at the very start', at);
    this.until('?>', 'processing instruction');
  }

  private markupDeclaration(): never {
    if (/^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(this.src.slice(this.pos, this.pos + 10))) {
      this.fail('cap_doctype', 'Document type and entity declarations are not accepted (they allow entity expansion and external entities)');
    }
    this.fail('cap_not_xml', 'Unexpected "<!"');
  }

  private attrValue(): string {
    const q = this.src[this.pos];
    if (q !== '"' && q !== "'") this.fail('cap_not_xml', 'An attribute value must be quoted');
    this.pos++;
    const at = this.pos;
    const raw = this.until(q, 'attribute value');
    if (raw.includes('<')) this.fail('cap_not_xml', '"<" inside an attribute value', at);
    // §3.3.3: white space characters in attribute values are read as spaces.
    return this.decode(raw, at).replace(/[\t\n\r]/g, ' ');
  }

  private decode(raw: string, at: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&\s<]*);?/g, (m, ref: string, offset: number) => {
      if (!m.endsWith(';')) this.fail('cap_not_xml', 'A "&" that does not start an entity reference must be written &amp;', at + offset);
      const pre = PREDEFINED[ref];
      if (pre !== undefined) return pre;
      const num = /^#x([0-9a-fA-F]{1,6})$/.exec(ref) ?? /^#([0-9]{1,7})$/.exec(ref);
      if (num) {
        const cp = parseInt(num[1]!, ref[1] === 'x' ? 16 : 10);
        const ch = cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
        if (!ch || NOT_XML_CHAR.test(ch)) this.fail('cap_not_xml', `&${ref}; is not a character XML allows`, at + offset);
        return ch;
      }
      return this.fail('cap_doctype', `Undeclared entity &${ref}; (only &amp; &lt; &gt; &quot; &apos; and character references are accepted)`, at + offset);
    });
  }

  private resolve(qname: string, scope: Map<string, string>, isElement: boolean, at: number): string | null {
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    if (prefix === 'xml') return XML_NS;
    if (prefix === '' && !isElement) return null;
    const ns = scope.get(prefix);
    if (ns === undefined && prefix !== '') this.fail('cap_namespace', `Undeclared namespace prefix "${prefix}"`, at);
    return ns === undefined || ns === '' ? null : ns;
  }

  /** Reads one element and everything inside it, without recursion. */
  private element(): XmlElement {
    const stack: Open[] = [];
    let root: XmlElement | null = null;
    const rootScope = new Map<string, string>();
    for (;;) {
      if (this.starts('</')) {
        const at = this.pos;
        this.pos += 2;
        const qname = this.name();
        this.skipWs();
        if (!this.starts('>')) this.fail('cap_not_xml', `Malformed end tag </${qname}`, at);
        this.pos++;
        const open = stack.pop()!;
        if (open.qname !== qname) this.fail('cap_not_xml', `</${qname}> does not close <${open.qname}>`, at);
        if (stack.length === 0) return root!;
      } else if (this.starts('<!--')) {
        this.comment();
      } else if (this.starts('<![CDATA[')) {
        this.pos += 9;
        stack[stack.length - 1]!.el.text += this.until(']]>', 'CDATA section');
      } else if (this.starts('<!')) {
        this.markupDeclaration();
      } else if (this.starts('<?')) {
        this.pi();
      } else if (this.starts('<')) {
        const at = this.pos;
        if (stack.length >= this.limits.maxDepth) {
          this.fail('cap_too_deep', `Elements are nested more than ${this.limits.maxDepth} deep`, at);
        }
        this.pos++;
        const qname = this.name();
        const attrs: [string, string, number][] = [];
        const seen = new Set<string>();
        for (;;) {
          const spaced = this.skipWs();
          if (this.starts('/>') || this.starts('>')) break;
          if (!spaced) this.fail('cap_not_xml', `Malformed start tag <${qname}`, at);
          const aAt = this.pos;
          const aName = this.name();
          this.skipWs();
          if (!this.starts('=')) this.fail('cap_not_xml', `Attribute ${aName} has no value`, aAt);
          this.pos++;
          this.skipWs();
          if (seen.has(aName)) this.fail('cap_not_xml', `Attribute ${aName} appears twice`, aAt);
          if (seen.size >= MAX_ATTRIBUTES) this.fail('cap_too_large', `<${qname}> has more than ${MAX_ATTRIBUTES} attributes`, at);
          seen.add(aName);
          attrs.push([aName, this.attrValue(), aAt]);
        }
        const parentScope = stack[stack.length - 1]?.scope ?? rootScope;
        let scope = parentScope;
        for (const [aName, value] of attrs) {
          if (aName === 'xmlns' || aName.startsWith('xmlns:')) {
            if (scope === parentScope) scope = new Map(parentScope);
            if (value === XML_NS || value === XMLNS_NS) this.fail('cap_namespace', `${aName} may not bind a reserved namespace`, at);
            scope.set(aName === 'xmlns' ? '' : aName.slice(6), value);
            if (scope.size > MAX_NAMESPACES) this.fail('cap_too_large', `More than ${MAX_NAMESPACES} namespaces are declared`, at);
          }
        }
        for (const [aName, , aAt] of attrs) if (!aName.startsWith('xmlns')) this.resolve(aName, scope, false, aAt);
        const colon = qname.indexOf(':');
        const el: XmlElement = {
          ns: this.resolve(qname, scope, true, at),
          local: colon < 0 ? qname : qname.slice(colon + 1),
          children: [],
          text: '',
          line: this.line(at),
        };
        stack[stack.length - 1]?.el.children.push(el);
        root ??= el;
        if (this.starts('/>')) {
          this.pos += 2;
          if (stack.length === 0) return el;
        } else {
          this.pos++;
          stack.push({ el, qname, scope });
        }
      } else {
        const at = this.pos;
        const next = this.src.indexOf('<', this.pos);
        if (next < 0) this.fail('cap_not_xml', `<${stack[stack.length - 1]!.qname}> is never closed`, at);
        const raw = this.src.slice(this.pos, next);
        if (raw.includes(']]>')) this.fail('cap_not_xml', '"]]>" outside a CDATA section', at);
        stack[stack.length - 1]!.el.text += this.decode(raw, at);
        this.pos = next;
      }
    }
  }
}
