/**
 * A CAP 1.2 alert from another system (a neighbouring district, a national warning) becomes a
 * draft here: the text in the officer's language, its areas as the target area. The reader
 * (shared/cap) refuses hostile XML and the official schema (cap-schema/) anything that breaks
 * CAP 1.2, with the schema's own words, before anything is created (both off the main thread:
 * the reader and the area checks in the parse worker, the schema in xmllint-wasm's); the draft then follows
 * the same rules as any other (approval, audit).
 */
import { SMS_MAX_LENGTH, X_MAX_LENGTH } from '../../shared/alerts/schema';
import type { Alert } from '../../shared/alerts/schema';
import { TrykError } from '../../shared/bridge/result';
import type { ParseClient } from '../parse/client';
import { readCap } from './cap-schema/check';
import { EXERCISE_PREFIX } from '../../shared/alerts/exercise';

/** An exercise's text as written, without the prefix the console adds when it sends (never twice). */
function withoutExercisePrefix(text: string, exercise: boolean, language: 'da' | 'en'): string {
  const prefix = `${EXERCISE_PREFIX[language]}: `;
  return exercise && text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
import type { Actor, AlertService } from './service';

export async function importCapDraft(alerts: AlertService, parse: ParseClient, actor: Actor, xml: string): Promise<{ alert: Alert; warnings: string[] }> {
  const read = await readCap(xml, parse);
  const cap = read.draft;
  const area = read.area;
  if (!area.ok) throw new TrykError('bad_request', `The CAP alert's area cannot be targeted: ${area.message}`, { cap: area.code });
  // Danish first when the alert has it; the other language's <info>, when there is one, becomes
  // the English (or Danish) text, so each subscriber gets theirs.
  const info = cap.infos.find((i) => i.language === 'da-DK') ?? cap.infos[0]!;
  const language = info.language === 'en-US' ? 'en' : 'da';
  const otherInfo = cap.infos.find((i) => i !== info && (i.language === 'da-DK' || i.language === 'en-US') && i.language !== info.language);
  const exercise = cap.status === 'Exercise';
  const smsOf = (i: typeof info, lang: 'da' | 'en') => {
    const description = i.description ? withoutExercisePrefix(i.description, exercise, lang) : i.description;
    return [i.headline, description, i.instruction].filter(Boolean).join('\n').trim().slice(0, SMS_MAX_LENGTH);
  };
  const sms = smsOf(info, language);
  let alert = await alerts.create(actor, { category: cap.category, kind: 'alert', language });
  alert = await alerts.update(actor, alert.id, alert.revision, {
    smsText: sms,
    ...(otherInfo ? { smsTextOther: smsOf(otherInfo, language === 'da' ? 'en' : 'da') } : {}),
    socialText: [info.headline, info.description].filter(Boolean).join('\n\n').slice(0, X_MAX_LENGTH),
    area: area.value,
    capEnabled: true,
    capStatus: cap.status === 'System' ? 'Test' : cap.status,
    urgency: cap.urgency === 'Immediate' ? 'urgent' : 'routine',
  });
  return { alert, warnings: [...read.warnings, ...area.warnings] };
}
