/**
 * The parts of an alert the composer edits, and the pure rules around them: filling a
 * template the way the host does, comparing drafts, what still stops a draft from being submitted.
 */
import { X_MAX_LENGTH } from '../../../shared/alerts/schema';
import type { Alert, AlertPatch, AlertStatus, Template } from '../../../shared/alerts/schema';
import { fillTemplate, unfilledFields } from '../../../shared/alerts/templates';

export type DraftContent = Pick<
  Alert,
  'fields' | 'smsText' | 'socialText' | 'capEnabled' | 'capStatus' | 'urgency' | 'category' | 'area' | 'filter'
>;

export const contentOf = (a: Alert): DraftContent => ({
  fields: { ...a.fields },
  smsText: a.smsText,
  socialText: a.socialText,
  capEnabled: a.capEnabled,
  capStatus: a.capStatus,
  urgency: a.urgency,
  category: a.category,
  area: a.area,
  filter: a.filter,
});

/** The whole content every time: the newest save always carries everything the officer sees. */
export const patchOf = (c: DraftContent): AlertPatch => ({ ...c, fields: { ...c.fields } });

export const sameContent = (a: DraftContent, b: DraftContent) => JSON.stringify(patchOf(a)) === JSON.stringify(patchOf(b));

/** The officer's text only: what matters when deciding whether a lost save reached the store after all. */
export const sameText = (a: DraftContent, b: DraftContent) =>
  a.smsText === b.smsText && a.socialText === b.socialText && JSON.stringify(a.fields) === JSON.stringify(b.fields);

/** X counts what a reader sees as characters (code points), not UTF-16 units. */
export const xLength = (text: string) => [...text].length;

export const editableStatuses: readonly AlertStatus[] = ['draft'];
export const cancellableStatuses: readonly AlertStatus[] = ['draft', 'awaiting_approval', 'approved', 'scheduled', 'rejected'];

export type Blocker = 'smsEmpty' | 'xTooLong' | 'noArea' | 'requiredField' | 'placeholders';

/** What stops a draft from going to approval; the server checks again. */
export function blockers(content: DraftContent, template: Template | null, kind: Alert['kind']): Blocker[] {
  const out: Blocker[] = [];
  if (!content.smsText.trim()) out.push('smsEmpty');
  if (xLength(content.socialText) > X_MAX_LENGTH) out.push('xTooLong');
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
