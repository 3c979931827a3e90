/**
 * The keyword router's pure half: what a citizen's SMS asks for, from its first word, case-
 * and accent-insensitive (HJÆLP, hjælp, Hjaelp and HJAELP are one word). The words are an
 * administrator's setting; everything that is not a keyword is a tip.
 */

import { defaultKeywords, foldWord, keywordProblem } from '../../shared/tips/keywords';
import type { KeywordProblem, Keywords } from '../../shared/tips/keywords';

export { defaultKeywords, foldWord };
export type { Keywords } from '../../shared/tips/keywords';

export type Routed =
  | { kind: 'stop' | 'confirm' | 'help' | 'panel'; word: string }
  /** `postcode` is the second word when it looks like one (four digits); `rest` is what followed. */
  | { kind: 'start'; word: string; postcode: string | null; rest: string }
  | { kind: 'tip' };

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
  if (is(keywords.panel ?? defaultKeywords.panel!)) return { kind: 'panel', word: first };
  return { kind: 'tip' };
}

/** An administrator's keyword lists, checked: words of letters only, none in two lists (a developer's sentence). */
export function checkKeywords(k: Keywords): string | null {
  const p = keywordProblem(k);
  return p === null ? null : describe(p);
}

function describe(p: KeywordProblem): string {
  switch (p.code) {
    case 'empty':
      return `${p.kind}: at least one word`;
    case 'too_many':
      return `${p.kind}: at most 20 words`;
    case 'not_a_word':
      return `${p.kind}: "${p.word}" is not one word of letters`;
    case 'in_two_lists':
      return `"${p.word}" is in both ${p.other} and ${p.kind}`;
  }
}
