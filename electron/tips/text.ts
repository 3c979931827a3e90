/**
 * Citizens' text as it is stored: well-formed (a lone UTF-16 surrogate from a broken UCS-2
 * part becomes U+FFFD), without control characters other than newline and tab, and bounded.
 * Markup is kept as the citizen wrote it: the renderer shows it as text.
 */

/** A tip longer than this is cut (a 10 KB message_payload is legal SMPP). */
export const MAX_TIP_CHARS = 8_000;

export function cleanText(text: string): { text: string; cut: boolean } {
  let t = toWellFormed(text).replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  const cut = t.length > MAX_TIP_CHARS;
  if (cut) t = toWellFormed(t.slice(0, MAX_TIP_CHARS)) + '…';
  return { text: t, cut };
}

function toWellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

