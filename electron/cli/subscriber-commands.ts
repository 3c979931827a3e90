import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { normalizePhone } from '../../shared/phone';
import { csvColumns, toRecord } from '../../shared/registry/subscriber';
import { csvCell } from '../../shared/registry/csv';
import { TrykError } from '../../shared/bridge/result';
import { readImportFile } from '../registry/files';
import { registryService, requirePhone } from '../registry/service';
import type { StoredSubscriber } from '../registry/service';
import type { Command } from './command';
import { UsageError } from './command';
import { withStore } from './store-commands';

/** The CLI has no signed-in officer: the audit trail says it came from the command line. */
const CLI = { officer: null, via: 'cli' } as const;

const phoneArg = (value: string | undefined): string => {
  if (!value) throw new UsageError('give a phone number');
  const p = normalizePhone(value);
  if (!p.ok) throw new TrykError('bad_request', 'That is not a valid phone number');
  return p.e164;
};

export const subscribersImportCommand: Command = {
  name: 'subscribers import',
  summary: 'import subscribers from CSV or JSON (all rows or none, unless --accept-valid)',
  usage: 'tryk subscribers import FILE [--format csv|json] [--accept-valid] [--data-dir DIR] [--json]',
  options: { format: { type: 'string' }, 'accept-valid': { type: 'boolean' } },
  async run(ctx) {
    const [file] = ctx.positionals;
    if (!file || ctx.positionals.length > 1) throw new UsageError('name one file');
    const records = readImportFile(file, ctx.values.format as string | undefined);
    return withStore(ctx, async (store) => {
      const started = Date.now();
      const report = await registryService(store.db).importRecords(records, ctx.values['accept-valid'] ? 'accepted_only' : 'all_or_nothing', CLI);
      const seconds = (Date.now() - started) / 1000;
      const lines = report.rejected.slice(0, 50).map((p) => `  row ${p.row}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
      if (report.rejected.length > 50) lines.push(`  … and ${report.rejected.length - 50} more`);
      const head = report.imported
        ? `Imported ${report.accepted} of ${report.rows} rows in ${seconds.toFixed(1)} s: ${report.created} new, ${report.updated} updated` +
          (report.keptOptedOut ? ` (${report.keptOptedOut} stay opted out)` : '') +
          (report.rejected.length ? `; ${report.rejected.length} rows refused:` : '.')
        : report.rejected.length
          ? `Nothing imported: ${report.rejected.length} of ${report.rows} rows are refused (fix them, or import the ${report.accepted} good rows with --accept-valid):`
          : 'Nothing imported: the file has no rows.';
      if (!report.imported) {
        // Not a success: the caller's script must notice, and the report must still be printed.
        throw new TrykError('bad_request', [head, ...lines].join('\n'), report);
      }
      return { text: [head, ...lines].join('\n'), json: report };
    });
  },
};

function writeAll(out: WriteStream | NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => (out.write(text, (err) => (err ? reject(err) : resolve()))));
}

export const subscribersExportCommand: Command = {
  name: 'subscribers export',
  summary: 'export every subscriber as CSV or JSON (personal data: handle with care)',
  usage: 'tryk subscribers export [--format csv|json] [--out FILE] [--data-dir DIR]',
  options: { format: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const format = (ctx.values.format as string | undefined) ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format is csv or json');
    const file = ctx.values.out as string | undefined;
    return withStore(ctx, async (store) => {
      const out = file ? createWriteStream(file, { mode: 0o600, flags: 'wx' }) : process.stdout;
      if (file) {
        await new Promise<void>((resolve, reject) => {
          (out as WriteStream).once('open', () => resolve());
          (out as WriteStream).once('error', (e: NodeJS.ErrnoException) =>
            reject(new TrykError('bad_request', e.code === 'EEXIST' ? `${file} exists already: nothing was written` : `cannot write ${file} (${e.code})`)),
          );
        });
      }
      let first = true;
      await writeAll(out, format === 'csv' ? `${csvColumns.join(',')}\r\n` : '[\n');
      const count = await registryService(store.db).each(async (page: StoredSubscriber[]) => {
        let chunk = '';
        for (const s of page) {
          if (format === 'csv') chunk += `${Object.values(toRecord(s)).map(csvCell).join(',')}\r\n`;
          else {
            const { id: _id, ...rest } = s;
            chunk += `${first ? '' : ',\n'}${JSON.stringify(rest)}`;
            first = false;
          }
        }
        await writeAll(out, chunk);
      });
      if (format === 'json') await writeAll(out, '\n]\n');
      await registryService(store.db).recordExport(count, format, CLI);
      if (file) await new Promise<void>((resolve) => (out as WriteStream).end(resolve));
      ctx.progress(`Exported ${count} subscribers${file ? ` to ${file}` : ''}.`);
      return { text: '', json: { exported: count, file: file ?? null } };
    });
  },
};

export const subscribersCountCommand: Command = {
  name: 'subscribers count',
  summary: 'count subscribers by status and group',
  usage: 'tryk subscribers count [--data-dir DIR] [--json]',
  options: {},
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const c = await registryService(store.db).counts();
      return {
        text: [
          `Subscribers: ${c.total} (${c.byStatus.active} active, ${c.byStatus.paused} paused, ${c.byStatus.opted_out} opted out), ${c.places} places`,
          'Active by group:',
          ...Object.entries(c.byGroup).map(([g, n]) => `  ${g.padEnd(20)} ${n}`),
        ].join('\n'),
        json: c,
      };
    }),
};

export const subscribersShowCommand: Command = {
  name: 'subscribers show',
  summary: "show one person's data (their right to see it)",
  usage: 'tryk subscribers show PHONE [--data-dir DIR] [--json]',
  options: {},
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const s = requirePhone(await registryService(store.db).find(phoneArg(ctx.positionals[0])));
      const { id: _id, ...person } = s;
      const text = [
        `Phone:       ${s.phone}`,
        `Name:        ${s.name ?? '—'}`,
        `Status:      ${s.status}   Language: ${s.language}`,
        `Groups:      ${s.groups.join(', ') || '—'}`,
        `Categories:  ${s.categories.join(', ') || 'all'}`,
        `Consent:     ${s.consentAt ?? '—'} ${s.consentMethod ?? ''} ${s.consentTextVersion ?? ''}`.trimEnd(),
        `Places:`,
        ...s.places.map((p) => `  ${p.kind}: ${p.address ?? ''} (${p.lat.toFixed(5)}, ${p.lon.toFixed(5)})`),
        `Created ${s.createdAt}, updated ${s.updatedAt}`,
      ].join('\n');
      return { text, json: person };
    }),
};

export const subscribersEraseCommand: Command = {
  name: 'subscribers erase',
  summary: "erase one person's data completely (their right to be forgotten)",
  usage: 'tryk subscribers erase PHONE --yes [--data-dir DIR]',
  options: { yes: { type: 'boolean' } },
  async run(ctx) {
    const phone = phoneArg(ctx.positionals[0]);
    if (ctx.values.yes !== true) throw new UsageError('erasing cannot be undone: add --yes');
    return withStore(ctx, async (store) => {
      if (!(await registryService(store.db).erase(phone, CLI))) throw new TrykError('not_found', 'No subscriber with that phone number');
      return { text: 'Erased the subscriber with their places, groups and categories.', json: { erased: true } };
    });
  },
};
