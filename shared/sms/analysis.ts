import { gsm7Septets } from './gsm7';
import { suggestGsm7 } from './suggestions';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface OffendingChar {
  char: string;
  /** UTF-16 index in the text. */
  index: number;
  /** UTF-16 units: 2 for an astral character such as an emoji. */
  length: number;
  codePoint: number;
  /** GSM-7 replacement, '' to drop an invisible character, null when there is none. */
  suggestion: string | null;
}

export interface SmsAnalysis {
  encoding: SmsEncoding;
  /** Code points the officer typed. */
  characters: number;
  /** Septets (extension characters count 2) for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  /** 0 for an empty text; counted by actually splitting, so it can exceed the naive ceil. */
  segments: number;
  /** 160/153 (GSM-7) or 70/67 (UCS-2): the budget of one part, single or concatenated. */
  unitsPerSegment: number;
  /** Units left in the last segment; a whole single segment for an empty text. */
  remainingInSegment: number;
  /** Every character that forces UCS-2, in text order. */
  offending: OffendingChar[];
}

/** Units of one message part: single, and with the 6-octet concatenation UDH taking its share. */
export const SEGMENT_UNITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const satisfies Record<SmsEncoding, { single: number; multi: number }>;

function findOffending(text: string): OffendingChar[] {
  const offending: OffendingChar[] = [];
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i) as number;
    const length = codePoint > 0xffff ? 2 : 1;
    if (gsm7Septets(codePoint) === 0) {
      offending.push({ char: text.slice(i, i + length), index: i, length, codePoint, suggestion: suggestGsm7(codePoint) });
    }
    i += length;
  }
  return offending;
}

interface Part {
  text: string;
  units: number;
}

/**
 * Greedy split on code points: a GSM-7 extension character is one UTF-16 unit but two septets,
 * and an emoji is two UTF-16 units, and neither may straddle two parts because many handsets
 * show garbage when the escape or a surrogate half ends a part.
 */
function split(text: string, encoding: SmsEncoding): { parts: Part[]; units: number; characters: number } {
  const cost =
    encoding === 'GSM-7' ? (codePoint: number) => gsm7Septets(codePoint) : (codePoint: number) => (codePoint > 0xffff ? 2 : 1);
  let units = 0;
  let characters = 0;
  for (const char of text) {
    units += cost(char.codePointAt(0) as number);
    characters++;
  }
  if (text === '') return { parts: [], units, characters };
  const budget = SEGMENT_UNITS[encoding];
  if (units <= budget.single) return { parts: [{ text, units }], units, characters };

  const parts: Part[] = [];
  let start = 0;
  let partUnits = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i) as number;
    const length = codePoint > 0xffff ? 2 : 1;
    const charUnits = cost(codePoint);
    if (partUnits + charUnits > budget.multi) {
      parts.push({ text: text.slice(start, i), units: partUnits });
      start = i;
      partUnits = 0;
    }
    partUnits += charUnits;
    i += length;
  }
  parts.push({ text: text.slice(start), units: partUnits });
  return { parts, units, characters };
}

export function analyzeSms(text: string): SmsAnalysis {
  const offending = findOffending(text);
  const encoding: SmsEncoding = offending.length === 0 ? 'GSM-7' : 'UCS-2';
  const { parts, units, characters } = split(text, encoding);
  const budget = SEGMENT_UNITS[encoding];
  const unitsPerSegment = parts.length > 1 ? budget.multi : budget.single;
  const last = parts[parts.length - 1];
  return {
    encoding,
    characters,
    units,
    segments: parts.length,
    unitsPerSegment,
    remainingInSegment: unitsPerSegment - (last?.units ?? 0),
    offending,
  };
}

/** The text of each part; with more than one part each fits beside a concatenation UDH. */
export function splitSms(text: string): { encoding: SmsEncoding; parts: string[] } {
  const encoding: SmsEncoding = findOffending(text).length === 0 ? 'GSM-7' : 'UCS-2';
  return { encoding, parts: split(text, encoding).parts.map((part) => part.text) };
}

/**
 * Applies every non-null suggestion. Composes to NFC first, because text pasted from macOS
 * or a PDF can carry 'a' + combining ring, which must become 'å' and not a bare 'a'; and
 * again after, because dropping an invisible character can leave two others that compose,
 * and a second call must find nothing left to do.
 */
export function replaceOffending(text: string): string {
  const composed = text.normalize('NFC');
  let out = '';
  for (const char of composed) {
    const codePoint = char.codePointAt(0) as number;
    if (gsm7Septets(codePoint) !== 0) {
      out += char;
      continue;
    }
    out += suggestGsm7(codePoint) ?? char;
  }
  return out.normalize('NFC');
}

/**
 * Every recipient is billed for every part. One multiplication at the end keeps the result
 * exact when the price is in the smallest currency unit (øre), which is what callers should pass.
 */
export function smsCost(analysis: SmsAnalysis, recipients: number, pricePerPart: number): number {
  if (!Number.isInteger(recipients) || recipients < 0) {
    throw new RangeError(`recipients must be a non-negative integer, got ${recipients}`);
  }
  if (!Number.isFinite(pricePerPart) || pricePerPart < 0) {
    throw new RangeError(`pricePerPart must be a finite non-negative number, got ${pricePerPart}`);
  }
  return analysis.segments * recipients * pricePerPart;
}
