import { gsm7Septets } from './gsm7';

/**
 * Hand-picked GSM-7 stand-ins for what word processors and phones insert behind the officer's
 * back (smart quotes, dashes, non-breaking spaces) and for letters Unicode does not decompose.
 * Everything else goes through the NFKD fallback in `suggestGsm7`.
 */
const EXPLICIT = new Map<number, string>(
  (
    [
      ['\t', ' '],
      ['\u0085', '\n'],
      ['\u2028', '\n'],
      ['\u2029', '\n'],
      ['\u00a0', ' '],
      ['\u1680', ' '],
      ['\u2000', ' '],
      ['\u2001', ' '],
      ['\u2002', ' '],
      ['\u2003', ' '],
      ['\u2004', ' '],
      ['\u2005', ' '],
      ['\u2006', ' '],
      ['\u2007', ' '],
      ['\u2008', ' '],
      ['\u2009', ' '],
      ['\u200a', ' '],
      ['\u202f', ' '],
      ['\u205f', ' '],
      ['\u3000', ' '],
      // Invisible characters carry no meaning in an SMS, so dropping them is safe.
      ['\u00ad', ''],
      ['\u180e', ''],
      ['\u200b', ''],
      ['\u2060', ''],
      ['\ufeff', ''],
      ['`', "'"],
      ['\u00b4', "'"],
      ['\u02b9', "'"],
      ['\u02bc', "'"],
      ['\u2018', "'"],
      ['\u2019', "'"],
      ['\u201a', "'"],
      ['\u201b', "'"],
      ['\u2032', "'"],
      ['\u2035', "'"],
      ['\u2039', "'"],
      ['\u203a', "'"],
      ['\u00ab', '"'],
      ['\u00bb', '"'],
      ['\u02ba', '"'],
      ['\u201c', '"'],
      ['\u201d', '"'],
      ['\u201e', '"'],
      ['\u201f', '"'],
      ['\u2033', '"'],
      ['\u2036', '"'],
      ['\u2010', '-'],
      ['\u2011', '-'],
      ['\u2012', '-'],
      ['\u2013', '-'],
      ['\u2014', '-'],
      ['\u2015', '-'],
      ['\u2043', '-'],
      ['\u2212', '-'],
      ['\u2022', '-'],
      ['\u2026', '...'],
      ['\u2044', '/'],
      ['\u2215', '/'],
      ['\u00d7', 'x'],
      ['\u02c6', '^'],
      ['\u02dc', '~'],
      ['\u00a9', '(c)'],
      ['\u00ae', '(R)'],
      ['ł', 'l'],
      ['Ł', 'L'],
      ['đ', 'd'],
      ['Đ', 'D'],
      ['ð', 'd'],
      ['Ð', 'D'],
      ['þ', 'th'],
      ['Þ', 'Th'],
      ['ı', 'i'],
      ['œ', 'oe'],
      ['Œ', 'OE'],
    ] as const
  ).map(([from, to]) => [from.codePointAt(0) as number, to]),
);

const isCombiningDiacritic = (codePoint: number): boolean => codePoint >= 0x0300 && codePoint <= 0x036f;

/**
 * A GSM-7 replacement for one code point that is not GSM-7, or null when there is none worth
 * offering (emoji, other scripts). A lone combining accent gets '' because its base letter is
 * already in the text; `replaceOffending` composes first so 'a' + ring still becomes 'å'.
 */
export function suggestGsm7(codePoint: number): string | null {
  const explicit = EXPLICIT.get(codePoint);
  if (explicit !== undefined) return explicit;
  if (isCombiningDiacritic(codePoint)) return '';
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return null;
  // NFKD turns á into a + accent, ﬁ into fi, full-width and mathematical letters into plain ones.
  const char = String.fromCodePoint(codePoint);
  let out = '';
  for (const part of char.normalize('NFKD')) {
    const partCodePoint = part.codePointAt(0) as number;
    if (isCombiningDiacritic(partCodePoint)) continue;
    if (gsm7Septets(partCodePoint) !== 0) {
      out += part;
      continue;
    }
    const mapped = EXPLICIT.get(partCodePoint);
    if (mapped === undefined) return null;
    out += mapped;
  }
  // A spacing accent such as ¨ decomposes to a bare space, which is no replacement for it.
  if (out === '' || (out.trim() === '' && char.trim() !== '')) return null;
  return out;
}
