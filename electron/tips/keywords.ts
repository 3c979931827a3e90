/**
 * The keyword router's pure half: what a citizen's SMS asks for, from its first word, case-
 * and accent-insensitive (HJÆLP, hjælp, Hjaelp and HJAELP are one word). The words are an
 * administrator's setting; everything that is not a keyword is a tip.
 */

export interface Keywords {
  stop: string[];
  start: string[];
  /** The answer that makes a pending SMS sign-up active ("Svar JA"). */
  confirm: string[];
  help: string[];
}

export const defaultKeywords: Keywords = {
  stop: ['STOP', 'STOPP', 'AFMELD', 'UNSUBSCRIBE'],
  start: ['START', 'TILMELD', 'SUBSCRIBE'],
  confirm: ['JA', 'YES'],
  help: ['HJÆLP', 'HELP', 'INFO'],
};

export type Routed =
  | { kind: 'stop' | 'confirm' | 'help'; word: string }
  /** `postcode` is the second word when it looks like one (four digits); `rest` is what followed. */
  | { kind: 'start'; word: string; postcode: string | null; rest: string }
  | { kind: 'tip' };

/** One spelling for comparing: lower case, accents dropped, æ/ø/å written out. */
export function foldWord(word: string): string {
  return word
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}

// Citizens write "Stop!", "STOP." or "stop 🙏": trailing punctuation and symbols are not part of the word.
const EDGE = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

export function routeMessage(text: string, keywords: Keywords = defaultKeywords): Routed {
  const words = text.trim().split(/\s+/u).filter((w) => w.length > 0);
  const first = words[0]?.replace(EDGE, '');
  if (!first || first.length > 20) return { kind: 'tip' };
  const folded = foldWord(first);
  const is = (list: readonly string[]) => list.some((k) => foldWord(k) === folded);
  // A keyword is the message: "stop" is an opt-out, "stop den røde bil ved Netto" is a tip.
  // START/TILMELD may carry a postcode (and an address after it).
  if (is(keywords.start)) {
    const second = words[1]?.replace(EDGE, '') ?? '';
    const postcode = /^\d{4}$/.test(second) ? second : null;
    if (words.length > 1 && postcode === null && !/^\d+$/.test(second)) return { kind: 'tip' };
    return { kind: 'start', word: first, postcode: postcode ?? (second || null), rest: words.slice(2).join(' ') };
  }
  if (words.length > 2) return { kind: 'tip' };
  if (words.length === 2 && !/^[\p{P}\p{S}]*$/u.test(words[1]!)) {
    // "STOP tak", "stop please": still an opt-out; anything longer is a tip.
    if (!(is(keywords.stop) && /^(tak|please|nu|now)$/i.test(words[1]!.replace(EDGE, '')))) return { kind: 'tip' };
  }
  if (is(keywords.stop)) return { kind: 'stop', word: first };
  if (is(keywords.confirm)) return { kind: 'confirm', word: first };
  if (is(keywords.help)) return { kind: 'help', word: first };
  return { kind: 'tip' };
}

/** An administrator's keyword lists, checked: words of letters only, none in two lists. */
export function checkKeywords(k: Keywords): string | null {
  const seen = new Map<string, string>();
  for (const kind of ['stop', 'start', 'confirm', 'help'] as const) {
    if (!Array.isArray(k[kind]) || k[kind].length === 0) return `${kind}: at least one word`;
    for (const w of k[kind]) {
      if (typeof w !== 'string' || !/^\p{L}{1,20}$/u.test(w)) return `${kind}: "${String(w).slice(0, 20)}" is not one word of letters`;
      const f = foldWord(w);
      const other = seen.get(f);
      if (other && other !== kind) return `"${w}" is in both ${other} and ${kind}`;
      seen.set(f, kind);
    }
  }
  return null;
}
