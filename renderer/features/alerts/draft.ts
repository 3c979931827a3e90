/**
 * The parts of an alert the composer edits, and the pure rules around them: filling a
 * template the way the host does, comparing drafts, what still stops a draft from being submitted.
 */
import { X_MAX_LENGTH } from '../../../shared/alerts/schema';
import { xTextFacts } from '../../../shared/social/xtext';
import type { Alert, AlertPatch, AlertStatus, Template } from '../../../shared/alerts/schema';
import { fillTemplate, unfilledFields } from '../../../shared/alerts/templates';

export type DraftContent = Pick<
  Alert,
  'fields' | 'smsText' | 'smsTextOther' | 'socialText' | 'channels' | 'capEnabled' | 'capStatus' | 'urgency' | 'category' | 'area' | 'filter' | 'releaseAt' | 'expiresAt'
>;

export const contentOf = (a: Alert): DraftContent => ({
  fields: { ...a.fields },
  smsText: a.smsText,
  smsTextOther: a.smsTextOther ?? '',
  socialText: a.socialText,
  channels: [...a.channels],
  capEnabled: a.capEnabled,
  capStatus: a.capStatus,
  urgency: a.urgency,
  category: a.category,
  area: a.area,
  filter: a.filter,
  releaseAt: a.releaseAt,
  expiresAt: a.expiresAt,
});

/** An ISO instant as a datetime-local input shows it (the officer's local time), and back. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** The whole content every time: the newest save always carries everything the officer sees. */
export const patchOf = (c: DraftContent): AlertPatch => ({ ...c, fields: { ...c.fields } });

export const sameContent = (a: DraftContent, b: DraftContent) => JSON.stringify(patchOf(a)) === JSON.stringify(patchOf(b));

/** The officer's text only: what matters when deciding whether a lost save reached the store after all. */
export const sameText = (a: DraftContent, b: DraftContent) =>
  a.smsText === b.smsText && a.smsTextOther === b.smsTextOther && a.socialText === b.socialText && JSON.stringify(a.fields) === JSON.stringify(b.fields);

/** As X counts it (twitter-text's weighting: a URL is 23, CJK and emoji 2). */
export const xLength = (text: string) => xTextFacts(text).weighted;

export const editableStatuses: readonly AlertStatus[] = ['draft'];
export const cancellableStatuses: readonly AlertStatus[] = ['draft', 'awaiting_approval', 'approved', 'scheduled', 'rejected'];

export type Blocker = 'smsEmpty' | 'xTooLong' | 'socialEmpty' | 'noArea' | 'requiredField' | 'placeholders';

/** What stops a draft from going to approval; the server checks again. */
export function blockers(content: DraftContent, template: Template | null, kind: Alert['kind']): Blocker[] {
  const out: Blocker[] = [];
  if (!content.smsText.trim()) out.push('smsEmpty');
  if (xLength(content.socialText) > X_MAX_LENGTH) out.push('xTooLong');
  if ((content.channels.includes('facebook') || content.channels.includes('x')) && !content.socialText.trim()) out.push('socialEmpty');
  // A follow-up goes to the original's recipients, so it needs no area of its own.
  if (kind === 'alert' && !content.area) out.push('noArea');
  if (template?.fields.some((f) => f.required && !content.fields[f.key]?.trim())) out.push('requiredField');
  if (template && unfilledFields(template, content.smsText).length > 0) out.push('placeholders');
  return out;
}

/**
 * The template's texts filled in exactly as the host fills a new draft (an empty field shows as
 * "[label]"), so the composer can tell a text the officer has not touched from one they edited.
 */
export const filled = (template: Template, fields: Record<string, string>) => fillTemplate(template, fields);
