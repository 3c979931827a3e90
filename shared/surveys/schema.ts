/**
 * Surveys of the citizen panel: the questions, the SMS that asks them, how an answer is read
 * and how answers are tallied. Pure, so the console, the CLI, the tests and the simulator's
 * citizens read a survey SMS and an answer exactly alike.
 *
 * A survey of 2–3 questions is answered in ONE SMS with one answer per question, in order,
 * separated by spaces or commas ("4 JA", "2, nej, 5"): asking question by question would cost
 * an SMS per question and leave half-answered surveys behind. A message whose number of
 * answers or any answer does not fit is not an answer at all (it is kept as a tip); a later
 * valid answer from the same person replaces the earlier one.
 */
import { z } from 'zod';
import { TargetAreaSchema } from '../targeting/area';
import { foldWord } from '../tips/keywords';

export const SurveyQuestion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scale'), text: z.string().trim().min(1).max(160), max: z.number().int().min(2).max(10).default(5) }).strict(),
  z.object({ kind: z.literal('yesno'), text: z.string().trim().min(1).max(160) }).strict(),
]);
export type SurveyQuestion = z.output<typeof SurveyQuestion>;

export const SurveyAudience = z.discriminatedUnion('kind', [
  /** Every active member of a subscriber group (the citizen panel is the group `borgerpanel`). */
  z.object({ kind: z.literal('panel'), group: z.string().min(1).max(40) }).strict(),
  /** A random sample of N active subscribers inside an area (the targeting area of the map). */
  z.object({ kind: z.literal('sample'), area: TargetAreaSchema, size: z.number().int().min(1).max(100_000) }).strict(),
]);
export type SurveyAudience = z.output<typeof SurveyAudience>;

export const surveyStates = ['draft', 'approved', 'sending', 'open', 'closed'] as const;
export const SurveyState = z.enum(surveyStates);
export type SurveyState = z.infer<typeof SurveyState>;

export const SurveyDraft = z
  .object({
    title: z.string().trim().min(1).max(80),
    language: z.enum(['da', 'en']).default('da'),
    questions: z.array(SurveyQuestion).min(1).max(3),
    audience: SurveyAudience,
  })
  .strict();
export type SurveyDraft = z.output<typeof SurveyDraft>;

export const QuestionTally = z.object({
  question: z.number().int(),
  text: z.string(),
  kind: z.enum(['scale', 'yesno']),
  /** The options in order ('1'…'5', or 'JA', 'NEJ') with how many chose each. */
  options: z.array(z.object({ value: z.string(), count: z.number().int() })),
  answered: z.number().int(),
  /** The mean of a scale question's answers; null for yes/no or none answered. */
  mean: z.number().nullable(),
});
export type QuestionTally = z.infer<typeof QuestionTally>;

export const SurveySummary = z.object({
  id: z.number().int(),
  title: z.string(),
  language: z.enum(['da', 'en']),
  state: SurveyState,
  questions: z.array(SurveyQuestion),
  /** 'panel:borgerpanel' or 'sample:N'. */
  audience: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  sendId: z.number().int().nullable(),
  /** Recipients frozen when it was sent (opted-out and paused subscribers are not among them). */
  recipients: z.number().int(),
  respondents: z.number().int(),
  /** Messages from recipients while it was open that were not a valid answer (kept as tips). */
  invalid: z.number().int(),
  smsText: z.string(),
});
export type SurveySummary = z.infer<typeof SurveySummary>;

export const SurveyResults = SurveySummary.extend({ tally: z.array(QuestionTally) });
export type SurveyResults = z.infer<typeof SurveyResults>;

export const PANEL_GROUP = 'borgerpanel';

const MARK = { da: { yesno: 'svar JA/NEJ', scale: (max: number) => `svar 1-${max}` }, en: { yesno: 'answer YES/NO', scale: (max: number) => `answer 1-${max}` } } as const;

/** The SMS that asks the questions; each question ends with its answer mark, e.g. "(svar 1-5)". */
export function surveySmsText(questions: readonly SurveyQuestion[], language: 'da' | 'en'): string {
  const m = MARK[language];
  const mark = (q: SurveyQuestion) => `(${q.kind === 'yesno' ? m.yesno : m.scale(q.max)})`;
  const head = language === 'da' ? 'Politiet spørger:' : 'The police ask:';
  if (questions.length === 1) return `${head} ${questions[0]!.text} ${mark(questions[0]!)}`;
  const lines = questions.map((q, i) => `${i + 1}) ${q.text} ${mark(q)}`);
  const example = questions.map((q) => (q.kind === 'yesno' ? (language === 'da' ? 'JA' : 'YES') : String(Math.min(4, q.max)))).join(' ');
  const tail = language === 'da' ? `Svar i én SMS i rækkefølge, fx "${example}".` : `Answer in one SMS, in order, e.g. "${example}".`;
  return `${head}\n${lines.join('\n')}\n${tail}`;
}

/** What a citizen's phone sees: the questions read back from a survey SMS (the simulator's citizens use it). */
export function questionsInSms(text: string): SurveyQuestion[] | null {
  if (!/^(Politiet spørger:|The police ask:)/.test(text)) return null;
  const found: SurveyQuestion[] = [];
  for (const match of text.matchAll(/\((?:svar|answer) (?:1-(\d+)|JA\/NEJ|YES\/NO)\)/g)) {
    found.push(match[1] ? { kind: 'scale', text: '', max: Number(match[1]) } : { kind: 'yesno', text: '' });
  }
  return found.length > 0 && found.length <= 3 ? found : null;
}

// Answers are compared as keywords are: case- and accent-insensitive, æ/ø/å written out.
const fold = foldWord;
const YES = new Set(['ja', 'j', 'yes', 'y', 'jo']);
const NO = new Set(['nej', 'n', 'no', 'nei']);

/** One answer per question, normalised ('4', 'JA', 'NEJ'), or null when the message is not an answer. */
export function parseSurveyAnswer(text: string, questions: readonly SurveyQuestion[]): string[] | null {
  if (text.length > 200) return null;
  const tokens = text
    .trim()
    .split(/[\s,;]+/u)
    .map((t) => t.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))
    .filter((t) => t.length > 0);
  if (tokens.length !== questions.length) return null;
  const values: string[] = [];
  for (const [i, q] of questions.entries()) {
    const t = fold(tokens[i]!);
    if (q.kind === 'yesno') {
      if (YES.has(t)) values.push('JA');
      else if (NO.has(t)) values.push('NEJ');
      else return null;
    } else {
      if (!/^\d{1,2}$/.test(t)) return null;
      const n = Number(t);
      if (n < 1 || n > q.max) return null;
      values.push(String(n));
    }
  }
  return values;
}

export function optionsOf(q: SurveyQuestion): string[] {
  return q.kind === 'yesno' ? ['JA', 'NEJ'] : Array.from({ length: q.max }, (_, i) => String(i + 1));
}

/** The tally of the answers kept (one per person and question: the last); `count` when already grouped. */
export function tallyAnswers(questions: readonly SurveyQuestion[], answers: readonly { question: number; value: string; count?: number }[]): QuestionTally[] {
  return questions.map((q, i) => {
    const counts = new Map(optionsOf(q).map((o) => [o, 0]));
    let sum = 0;
    let answered = 0;
    for (const a of answers) {
      if (a.question !== i || !counts.has(a.value)) continue;
      const k = a.count ?? 1;
      counts.set(a.value, counts.get(a.value)! + k);
      answered += k;
      if (q.kind === 'scale') sum += k * Number(a.value);
    }
    return {
      question: i,
      text: q.text,
      kind: q.kind,
      options: [...counts].map(([value, count]) => ({ value, count })),
      answered,
      mean: q.kind === 'scale' && answered > 0 ? sum / answered : null,
    };
  });
}

/** The results as CSV rows: question, option, count (the same numbers as the chart). */
export function resultsCsvRows(tally: readonly QuestionTally[]): (string | number)[][] {
  return tally.flatMap((t) => t.options.map((o) => [t.question + 1, t.text, o.value, o.count]));
}
