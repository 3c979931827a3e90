// The 'max' metadata, not the package default 'min': 'min' only checks lengths, so it accepts
// any 8 digits from 2 (e.g. 37 12 34 56, a range Denmark has not opened) and its getType()
// returns undefined, so toll-free (80) and premium-rate (90) numbers could not be told apart
// from subscribers. The extra ~65 kB of metadata is nothing in a desktop app.
import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';
import type { PhoneNumberType } from 'libphonenumber-js/max';

/** The digits of an E.164 number: a country code (no leading 0) and 7 to 15 digits in all. */
const E164_DIGITS = '[1-9]\\d{6,14}';

/** An E.164 number as the store and the gateways hold it: '+', a country code, 7 to 15 digits. */
export const E164 = new RegExp(`^\\+${E164_DIGITS}$`);

/**
 * The same shape inside other text, after '+', '00' or nothing (a national number, or one a
 * gateway wrote without the '+'): a run of 7 to 15 digits not part of a longer run or a word.
 * Global: use it with replace(), not test().
 */
export const E164_IN_TEXT = new RegExp(`(?<![\\w+])(?:\\+|00)?${E164_DIGITS}(?!\\d)`, 'g');

/** Text with every E.164-like digit run replaced by `mask`: what stands between a number and a log line. */
export function maskPhonesInText(text: string, mask = '[phone]'): string {
  return text.replace(E164_IN_TEXT, mask);
}

export type PhoneResult =
  | { ok: true; e164: string }
  | { ok: false; reason: 'empty' | 'invalid' | 'not_mobile' | 'too_long' };

/**
 * Types that cannot receive an alert by SMS. Danish ranges are FIXED_LINE_OR_MOBILE in the
 * metadata (the same number may be either), so only numbers the metadata calls something else
 * are refused; VoIP, pager, personal and unknown types of a valid number are accepted.
 */
const NOT_FOR_SMS: ReadonlySet<PhoneNumberType> = new Set<PhoneNumberType>([
  'FIXED_LINE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'UAN',
  'VOICEMAIL',
]);

/** Separators people type or paste between digit groups, including typographic dashes. */
const SEPARATORS = /[\s\-.()\u2010-\u2015\u2212]/gu;

/**
 * Accepts '20 12 34 56', '+45 20-12-34-56', '0045 20123456', '4520123456' (45 + eight digits)
 * and foreign numbers with + or 00. Eight digits without a prefix are always a Danish national
 * number, even when they start with 45. Letters, extensions and anything else are 'invalid'.
 */
export function normalizePhone(input: string, defaultCountry: 'DK' = 'DK'): PhoneResult {
  const compact = input.replace(SEPARATORS, '');
  if (compact === '') return { ok: false, reason: 'empty' };
  if (!/^\+?\d+$/.test(compact)) return { ok: false, reason: 'invalid' };
  const danish = DANISH.exec(compact);
  if (danish) {
    // Parsing costs ~50 µs a number, too slow for importing 100,000 rows in seconds. Danish
    // numbers are 8 digits whose validity and type the metadata decides by the first three
    // (a test checks every 3-digit prefix against the full parse), so one parse per prefix serves.
    const national = danish[1]!;
    const key = national.slice(0, 3);
    let verdict = danishByPrefix.get(key);
    if (!verdict) {
      verdict = parse(`+45${national}`, defaultCountry);
      danishByPrefix.set(key, verdict);
    }
    return verdict.ok ? { ok: true, e164: `+45${national}` } : verdict;
  }
  return parse(compact, defaultCountry);
}

/** Eight national digits, bare or after +45, 0045 or 45. */
const DANISH = /^(?:\+45|0045|45)?([2-9]\d{7})$/;
const danishByPrefix = new Map<string, PhoneResult>();

function parse(compact: string, defaultCountry: 'DK'): PhoneResult {
  const length = validatePhoneNumberLength(compact, defaultCountry);
  if (length === 'TOO_LONG') return { ok: false, reason: 'too_long' };
  if (length !== undefined) return { ok: false, reason: 'invalid' };

  const phone = parsePhoneNumberFromString(compact, defaultCountry);
  if (phone === undefined || !phone.isValid()) return { ok: false, reason: 'invalid' };
  const type = phone.getType();
  if (type !== undefined && NOT_FOR_SMS.has(type)) return { ok: false, reason: 'not_mobile' };
  return { ok: true, e164: phone.number };
}

const MASK = '•';

/**
 * '+45 •• •• •• 78': the country code and the last two digits survive, grouped as the country
 * writes its numbers. Never throws and never echoes anything but those digits, because it is
 * what stands between a phone number and a log line.
 */
export function maskPhone(e164: string): string {
  const phone = /^\+\d+$/.test(e164) ? parsePhoneNumberFromString(e164) : undefined;
  if (phone === undefined || phone.number !== e164) {
    const digits = e164.replace(/\D/g, '');
    if (digits.length <= 2) return MASK.repeat(2);
    return MASK.repeat(digits.length - 2) + digits.slice(-2);
  }
  const prefix = `+${phone.countryCallingCode}`;
  const national = phone.formatInternational().slice(prefix.length);
  const digitCount = national.replace(/\D/g, '').length;
  let seen = 0;
  const masked = national.replace(/\d/g, (digit) => (++seen > digitCount - 2 ? digit : MASK));
  return prefix + masked;
}
