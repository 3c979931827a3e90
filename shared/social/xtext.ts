/**
 * How X counts a post's text: its own weighting (a URL weighs 23, CJK and emoji 2, after NFC),
 * from twitter-text, X's own maintained library, rather than `length`. twitter-text is plain
 * JavaScript (its polyfills and punycode included) with no Node or DOM use, so both the composer
 * and the main process call this same function.
 */
// A default import: the package is CommonJS, which Node's ESM loader only gives whole.
import twitterText from 'twitter-text';

export const X_WEIGHTED_LIMIT = 280;

export interface XTextFacts {
  /** The length as X weighs it. */
  weighted: number;
  limit: number;
  /** Within the limit and not empty. */
  valid: boolean;
}

export function xTextFacts(text: string): XTextFacts {
  const parsed = twitterText.parseTweet(text);
  return { weighted: parsed.weightedLength, limit: X_WEIGHTED_LIMIT, valid: parsed.valid };
}
