/**
 * `tryk survey …` and `tryk panel add`: surveys of the citizen panel from scripts, under the
 * same four eyes and audit trail as the console. `survey send` freezes the recipients, hands
 * the survey to the dispatch engine and, with --wait, stays to take the answers in.
 */
import { TrykError } from '../../shared/bridge/result';
import { toCsv } from '../../shared/registry/csv';
import { areaFromGeoJSON } from '../../shared/targeting/geojson';
import { resultsCsvRows } from '../../shared/surveys/schema';
import type { SurveyQuestion, SurveyResults, SurveySummary } from '../../shared/surveys/schema';
import { createServices } from '../services';
import { startSender } from '../sending/sender';
import { lineLog } from '../log';
import { addToPanel, panelSize } from '../surveys/panel';
import { surveyService } from '../surveys/service';
import { createSurveys } from '../surveys/runtime';
import { unwrapArea } from '../targeting/area';
import { createTips } from '../tips/runtime';
import { signIn } from './alert-commands';
import type { Command, CommandContext } from './command';
import { intOption, UsageError } from './command';
import { readBoundedJson, readBoundedText } from './read-file';
import { withStore } from './store-commands';
import { VERSION } from './version';

function surveyId(ctx: CommandContext): number {
  const [id, ...rest] = ctx.positionals;
  if (!id || rest.length) throw new UsageError('give one survey ID');
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('a survey ID is a whole number');
  return n;
}

/** "scale:TEXT" (1–5), "scale7:TEXT" (1–7) or "yesno:TEXT". */
export function parseQuestionOption(spec: string): SurveyQuestion {
  const m = /^(scale(\d{1,2})?|yesno):(.+)$/s.exec(spec);
  if (!m) throw new UsageError(`--question is "scale:TEXT", "scale7:TEXT" (1–7) or "yesno:TEXT", not "${spec.slice(0, 30)}"`);
  return m[1] === 'yesno' ? { kind: 'yesno', text: m[3]!.trim() } : { kind: 'scale', text: m[3]!.trim(), max: m[2] ? Number(m[2]) : 5 };
}

export const surveyLine = (s: SurveySummary) =>
  `#${String(s.id).padEnd(4)} ${s.state.padEnd(8)} ${s.audience.padEnd(18)} ${String(s.respondents).padStart(5)}/${String(s.recipients).padEnd(6)} answered  ${s.invalid} not an answer  ${JSON.stringify(s.title)}`;

function resultsText(r: SurveyResults): string {
  const out = [surveyLine(r)];
  for (const t of r.tally) {
    out.push(`${t.question + 1}) ${t.text} — ${t.answered} answer(s)${t.mean !== null ? `, mean ${t.mean.toFixed(2)}` : ''}`);
    for (const o of t.options) out.push(`   ${o.value.padEnd(4)} ${String(o.count).padStart(6)}`);
  }
  return out.join('\n');
}

export const surveyCreateCommand: Command = {
  name: 'survey create',
  summary: 'draft a survey of 1–3 questions to the citizen panel (or a group) or a random sample of an area',
  usage: [
    'tryk survey create --title T --question scale:TEXT|scale7:TEXT|yesno:TEXT [--question …] (at most 3)',
    '                   [--panel GROUP (default borgerpanel) | --area FILE.geojson --sample N] [--language da|en] --as USERNAME [--json]',
  ].join('\n'),
  options: {
    as: { type: 'string' },
    title: { type: 'string' },
    question: { type: 'string', multiple: true },
    panel: { type: 'string' },
    area: { type: 'string' },
    sample: { type: 'string' },
    language: { type: 'string' },
  },
  run: (ctx) => {
    const v = ctx.values;
    if (ctx.positionals.length) throw new UsageError('survey create takes options, not arguments');
    const questions = ((v.question as string[] | undefined) ?? []).map(parseQuestionOption);
    if (questions.length < 1 || questions.length > 3) throw new UsageError('give 1 to 3 --question options');
    if (typeof v.title !== 'string') throw new UsageError('--title TEXT is required');
    let audience: unknown;
    if (typeof v.area === 'string') {
      const size = intOption(v.sample, 'sample', 1, 100_000);
      if (size === undefined) throw new UsageError('--area needs --sample N (how many to ask)');
      audience = { kind: 'sample', area: unwrapArea(areaFromGeoJSON(readBoundedJson(v.area, 'area'))), size };
    } else {
      audience = { kind: 'panel', group: typeof v.panel === 'string' && v.panel ? v.panel : 'borgerpanel' };
    }
    return withStore(ctx, async (store) => {
      const actor = await signIn(ctx, store);
      const s = await surveyService(store.db).create(actor, { title: v.title, language: v.language ?? 'da', questions, audience });
      return { text: `Survey ${s.id} drafted; a shift leader approves it (tryk survey approve ${s.id}).\n${s.smsText}`, json: s };
    });
  },
};

export const surveyApproveCommand: Command = {
  name: 'survey approve',
  summary: 'approve a drafted survey (a shift leader who did not draft it)',
  usage: 'tryk survey approve ID --as USERNAME [--json]',
  options: { as: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const id = surveyId(ctx);
      const s = await surveyService(store.db).approve(await signIn(ctx, store), id);
      return { text: surveyLine(s), json: s };
    }),
};

export const surveySendCommand: Command = {
  name: 'survey send',
  summary: 'send an approved survey through the gateway (once), and with --wait take the answers in for N seconds',
  usage: 'tryk survey send ID --as USERNAME [--wait SECONDS] [--json]',
  options: { as: { type: 'string' }, wait: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const id = surveyId(ctx);
      const waitS = intOption(ctx.values.wait, 'wait', 1, 3600) ?? 0;
      const actor = await signIn(ctx, store);
      const services = createServices({ store, host: 'headless', version: VERSION });
      const surveys = createSurveys(services);
      await surveys.service.send(actor, id, () => services.targeting());
      const tips = createTips(services, { surveys: surveys.changed });
      const sender = await startSender({ services, only: [], inbound: tips.inbound, log: lineLog((m) => ctx.progress(m), 'warn') });
      tips.attach(sender);
      surveys.attach(sender);
      try {
        const started = await surveys.pump();
        if (started.length === 0 && (await surveys.service.get(id)).state !== 'open') {
          throw new TrykError('unavailable', `No gateway could take it: survey ${id} stays marked for sending and goes when a console can reach the gateway`);
        }
        if (waitS > 0) {
          ctx.progress(`Survey ${id} sent; taking answers in for ${waitS} s…`);
          await new Promise((r) => setTimeout(r, waitS * 1000));
        }
      } finally {
        surveys.close();
        await sender.close();
        await tips.close();
        await services.liveTargeting.close();
      }
      const s = await surveys.service.get(id);
      return { text: surveyLine(s), json: s };
    }),
};

export const surveyStatusCommand: Command = {
  name: 'survey status',
  summary: 'every survey (or one) with its state and how many answered',
  usage: 'tryk survey status [ID] [--json]',
  options: {},
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const service = surveyService(store.db);
      if (ctx.positionals.length) {
        const s = await service.get(surveyId(ctx));
        return { text: `${surveyLine(s)}\n${s.smsText}`, json: s };
      }
      const list = await service.list();
      const panel = await panelSize(store.db);
      return { text: [...list.map(surveyLine), `${list.length} survey(s); the citizen panel has ${panel} active member(s)`].join('\n'), json: { surveys: list, panel } };
    }),
};

export const surveyCloseCommand: Command = {
  name: 'survey close',
  summary: 'close a survey: later answers are tips',
  usage: 'tryk survey close ID --as USERNAME [--json]',
  options: { as: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const id = surveyId(ctx);
      const s = await surveyService(store.db).close(await signIn(ctx, store), id);
      return { text: surveyLine(s), json: s };
    }),
};

export const surveyResultsCommand: Command = {
  name: 'survey results',
  summary: 'the tally of a survey per question and option (live while open), as text, JSON or CSV',
  usage: 'tryk survey results ID [--json | --csv]',
  options: { csv: { type: 'boolean' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const r = await surveyService(store.db).results(surveyId(ctx));
      if (ctx.values.csv === true) {
        const csv = toCsv(['question', 'text', 'option', 'count'], resultsCsvRows(r.tally));
        return { text: csv.trimEnd(), json: r };
      }
      return { text: resultsText(r), json: r };
    }),
};

export const panelAddCommand: Command = {
  name: 'panel add',
  summary: 'add subscribers to the citizen panel by phone number (arguments, or a file with one a line)',
  usage: 'tryk panel add PHONE... | --file FILE [--as ADMIN] [--json]',
  options: { as: { type: 'string' }, file: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const phones = [...ctx.positionals];
      if (typeof ctx.values.file === 'string') phones.push(...readBoundedText(ctx.values.file, 'import').split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
      if (phones.length === 0) throw new UsageError('give phone numbers or --file FILE');
      if (phones.length > 1_000_000) throw new UsageError('at most 1,000,000 numbers at a time');
      const officer = typeof ctx.values.as === 'string' ? (await signIn(ctx, store)).username : null;
      const r = await addToPanel(store.db, phones, officer, new Date());
      return {
        text: `${r.added} added to the citizen panel, ${r.already} already in it${r.unknown.length ? `; not subscribers: ${r.unknown.slice(0, 10).join(', ')}${r.unknown.length > 10 ? ` and ${r.unknown.length - 10} more` : ''}` : ''}`,
        json: r,
      };
    }),
};

export const surveyCommands: Command[] = [surveyCreateCommand, surveyApproveCommand, surveySendCommand, surveyStatusCommand, surveyCloseCommand, surveyResultsCommand, panelAddCommand];
