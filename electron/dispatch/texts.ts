/**
 * A send's texts as frozen at release (variant 0 the send's own, 1… its other languages from
 * send_texts) with how many recipients got each and how many of them it reached: what
 * `tryk alert status` shows of a two-language alert.
 */
import type { Queryable } from '../store/db';

export interface SendTextSummary {
  variant: number;
  /** Null for variant 0 when the caller does not know the send's own language. */
  language: 'da' | 'en' | null;
  text: string;
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  recipients: number;
  delivered: number;
}

export async function sendTextSummary(q: Queryable, sendId: number, ownLanguage: 'da' | 'en' | null): Promise<SendTextSummary[]> {
  const send = await q.get<{ text: string; encoding: 'GSM-7' | 'UCS-2'; segments: number }>('SELECT text, encoding, segments FROM sends WHERE id = ?', [sendId]);
  if (!send) return [];
  const others = await q.all<{ variant: number; language: 'da' | 'en'; text: string; encoding: 'GSM-7' | 'UCS-2'; segments: number }>(
    'SELECT variant, language, text, encoding, segments FROM send_texts WHERE send_id = ? ORDER BY variant',
    [sendId],
  );
  const counts = await q.all<{ variant: number; n: number; delivered: number }>(
    "SELECT variant, count(*) AS n, coalesce(sum(state = 'delivered'), 0) AS delivered FROM outbox WHERE send_id = ? GROUP BY variant",
    [sendId],
  );
  const of = (variant: number) => counts.find((c) => c.variant === variant);
  return [{ variant: 0, language: ownLanguage, ...send }, ...others].map((t) => ({
    variant: t.variant,
    language: t.language,
    text: t.text,
    encoding: t.encoding,
    segments: t.segments,
    recipients: of(t.variant)?.n ?? 0,
    delivered: of(t.variant)?.delivered ?? 0,
  }));
}
