/**
 * `tryk report …`: the evaluation figures and PDFs from scripts, computed by the same module
 * as the Evaluering screen (electron/reports), so `--json` and the PDF carry the same numbers.
 */
import { writeFileSync } from 'node:fs';
import { Category } from '../../shared/alerts/schema';
import { TrykError } from '../../shared/bridge/result';
import { Outcome } from '../../shared/reports/schema';
import { createServices } from '../services';
import { alertReport } from '../reports/alert';
import { reportDeps } from '../reports/deps';
import { evaluation } from '../reports/figures';
import { recordOutcome } from '../reports/outcomes';
import { PdfClient } from '../reports/pdfClient';
import type { ReportLang } from '../../shared/reports/format';
import type { Store } from '../store/store';
import type { Command, CommandContext } from './command';
import { UsageError } from './command';
import { signIn } from './alert-commands';
import { withStore } from './store-commands';
import { VERSION } from './version';

const hostOf = (store: Store) => {
  const services = createServices({ store, host: 'headless', version: VERSION });
  return { db: store.db, settings: services.settings, targeting: () => services.targeting() };
};

function lang(ctx: CommandContext): ReportLang {
  const l = (ctx.values.lang as string | undefined) ?? 'da';
  if (l !== 'da' && l !== 'en') throw new UsageError('--lang is da or en');
  return l;
}

function outFile(ctx: CommandContext): string | null {
  const out = ctx.values.out as string | undefined;
  if (!out && !ctx.json) throw new UsageError('give --out FILE.pdf for the PDF, or --json for the figures');
  return out ?? null;
}

/** The PDF from the worker (the console's path too), the worker closed after the command. */
async function makePdf(make: (pdf: PdfClient) => Promise<Buffer>): Promise<Buffer> {
  const client = new PdfClient();
  try {
    return await make(client);
  } finally {
    await client.close();
  }
}

function writePdf(file: string, pdf: Buffer) {
  try {
    writeFileSync(file, pdf);
  } catch (e) {
    throw new TrykError('unavailable', `${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function alertIdOf(ctx: CommandContext): number {
  const [id, ...rest] = ctx.positionals;
  const n = Number(id);
  if (!id || rest.length || !Number.isInteger(n) || n < 1) throw new UsageError('give one alert ID (a whole number)');
  return n;
}

export const reportAlertCommand: Command = {
  name: 'report alert',
  summary: 'the after-action report of a sent alert: a PDF (--out) or its figures (--json)',
  usage: 'tryk report alert ALERT (--out FILE.pdf | --json) [--lang da|en] [--data-dir DIR]',
  options: { out: { type: 'string' }, lang: { type: 'string' } },
  async run(ctx) {
    const id = alertIdOf(ctx);
    const out = outFile(ctx);
    const l = lang(ctx);
    return withStore(ctx, async (store) => {
      const report = await alertReport(await reportDeps(hostOf(store)), id);
      if (out) writePdf(out, await makePdf((pdf) => pdf.alertPdf(report, l)));
      const d = report.alert.delivery;
      return {
        text: `${out ? `Wrote ${out}: ` : ''}alert ${id}, ${d.recipients} recipients, ${d.delivered} delivered, ${report.alert.tips} tips.`,
        json: report,
      };
    });
  },
};

export const reportPeriodCommand: Command = {
  name: 'report period',
  summary: 'the evaluation report of a period (like the 6-month evaluation): a PDF (--out) or the figures (--json)',
  usage: 'tryk report period --from YYYY-MM-DD --to YYYY-MM-DD [--district NAME|CODE] [--category C] (--out FILE.pdf | --json) [--lang da|en] [--data-dir DIR]',
  options: { from: { type: 'string' }, to: { type: 'string' }, district: { type: 'string' }, category: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' } },
  async run(ctx) {
    const from = ctx.values.from as string | undefined;
    const to = ctx.values.to as string | undefined;
    if (!from || !to) throw new UsageError('--from and --to are required (YYYY-MM-DD)');
    const category = ctx.values.category as string | undefined;
    if (category !== undefined && !Category.safeParse(category).success) throw new UsageError(`--category is one of ${Category.options.join(', ')}`);
    const out = outFile(ctx);
    const l = lang(ctx);
    return withStore(ctx, async (store) => {
      const host = hostOf(store);
      let district: string | undefined;
      const name = ctx.values.district as string | undefined;
      if (name) {
        const services = createServices({ store, host: 'headless', version: VERSION });
        const found = (await services.boundaries.findByName('district', name)) ?? (await services.boundaries.list('district')).find((d) => d.code === name);
        if (!found) throw new TrykError('bad_request', `No police district called ${name}`);
        district = found.code;
      }
      const report = await evaluation(await reportDeps(host), {
        from,
        to,
        ...(district ? { district } : {}),
        ...(category ? { category: Category.parse(category) } : {}),
      });
      if (out) writePdf(out, await makePdf((pdf) => pdf.periodPdf(report, l)));
      const s = report.subscribers;
      return {
        text: [
          `${out ? `Wrote ${out}: ` : ''}${from} – ${to}${report.query.district ? `, ${report.query.district.name}` : ''}`,
          `subscribers ${s.atStart} → ${s.atEnd} (+${s.signups} / −${s.leaves}); ${report.alerts.count} alerts; ${report.delivery.delivered} of ${report.delivery.recipients} delivered; ${report.tips.total} tips`,
        ].join('\n'),
        json: report,
      };
    });
  },
};

export const reportOutcomeCommand: Command = {
  name: 'report outcome',
  summary: 'record what came of a sent alert (audited)',
  usage: `tryk report outcome ALERT --as USERNAME --outcome ${Outcome.options.join('|')} [--tips-helped yes|no] [--note TEXT] [--data-dir DIR]`,
  options: { as: { type: 'string' }, outcome: { type: 'string' }, 'tips-helped': { type: 'string' }, note: { type: 'string' } },
  async run(ctx) {
    const id = alertIdOf(ctx);
    const outcome = Outcome.safeParse(ctx.values.outcome);
    if (!outcome.success) throw new UsageError(`--outcome is one of ${Outcome.options.join(', ')}`);
    const helped = ctx.values['tips-helped'] as string | undefined;
    if (helped !== undefined && helped !== 'yes' && helped !== 'no') throw new UsageError('--tips-helped is yes or no');
    return withStore(ctx, async (store) => {
      const actor = await signIn(ctx, store);
      if (!actor.roles.some((r) => r === 'operator' || r === 'approver')) throw new TrykError('forbidden', 'Recording an outcome is an operator’s or shift leader’s work');
      const input = { alertId: id, outcome: outcome.data, tipsHelped: helped === undefined ? null : helped === 'yes', note: (ctx.values.note as string | undefined) ?? '' };
      await recordOutcome(store.db, input, actor, new Date(), 'cli');
      return { text: `Alert ${id}: outcome ${outcome.data} recorded.`, json: input };
    });
  },
};

export const reportCommands = [reportAlertCommand, reportPeriodCommand, reportOutcomeCommand];
