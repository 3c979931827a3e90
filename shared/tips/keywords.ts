/**
 * The SMS keywords both sides need: the default lists, how two spellings are compared, and
 * what is wrong with an administrator's lists (the settings screen says it before saving, the
 * host refuses the same lists again).
 */

export type KeywordKind = 'stop' | 'start' | 'confirm' | 'help' | 'panel';
export const keywordKinds: readonly KeywordKind[] = ['stop', 'start', 'confirm', 'help', 'panel'];

export interface Keywords {
  stop: string[];
  start: string[];
  /** The answer that makes a pending SMS sign-up active ("Svar JA"). */
  confirm: string[];
  help: string[];
  /** Joins the citizen panel (surveys); optional so settings stored before it still read. */
  panel?: string[];
}

export const defaultKeywords: Keywords = {
  stop: ['STOP', 'STOPP', 'AFMELD', 'UNSUBSCRIBE'],
  start: ['START', 'TILMELD', 'SUBSCRIBE'],
  confirm: ['JA', 'YES'],
  help: ['HJÆLP', 'HELP', 'INFO'],
  panel: ['PANEL', 'BORGERPANEL'],
};

/** At most this many words in one list, each at most this long (the bridge's bounds). */
export const KEYWORDS_PER_LIST = 20;
export const KEYWORD_MAX_LENGTH = 20;

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

export type KeywordProblem =
  | { code: 'empty'; kind: KeywordKind }
  | { code: 'too_many'; kind: KeywordKind }
  | { code: 'not_a_word'; kind: KeywordKind; word: string }
  | { code: 'in_two_lists'; kind: KeywordKind; word: string; other: KeywordKind };

/** The first thing wrong with the lists: a list empty or too long, a word not of letters, a word in two lists. */
export function keywordProblem(k: Keywords): KeywordProblem | null {
  const seen = new Map<string, KeywordKind>();
  for (const kind of keywordKinds) {
    const list = k[kind];
    if (kind === 'panel' && list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) return { code: 'empty', kind };
    if (list.length > KEYWORDS_PER_LIST) return { code: 'too_many', kind };
    for (const w of list) {
      if (typeof w !== 'string' || !/^\p{L}{1,20}$/u.test(w)) return { code: 'not_a_word', kind, word: String(w).slice(0, KEYWORD_MAX_LENGTH) };
      const f = foldWord(w);
      const other = seen.get(f);
      if (other && other !== kind) return { code: 'in_two_lists', kind, word: w, other };
      seen.set(f, kind);
    }
  }
  return null;
}
