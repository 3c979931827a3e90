import { createWriteStream, existsSync, linkSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { WriteStream } from 'node:fs';
import { normalizePhone } from '../../shared/phone';
import { csvColumns, toRecord } from '../../shared/registry/subscriber';
import { csvCell } from '../../shared/registry/csv';
import { TrykError } from '../../shared/bridge/result';
import { formatOf, importFileChunks } from '../registry/files';
import { importDistrict, importPieces } from '../registry/import-file';
import { ParseClient } from '../parse/client';
import { registryService, requirePhone } from '../registry/service';
import type { Actor, StoredSubscriber } from '../registry/service';
import { officerService } from '../officers/service';
import type { Store } from '../store/store';
import type { Command, CommandContext } from './command';
import { UsageError } from './command';
import { withStore } from './store-commands';
import { actorOrStorePassphrase } from './sign-in';
import { settingsService } from '../config/settings';
import { pendingSignup } from '../tips/signups';

/**
 * Who acts: with --as an administrator (README: subscriber import and a person's data are the
 * admin's), else whoever holds the store passphrase, and the audit trail says which.
 */
async function actor(ctx: CommandContext, store: Store, what: string): Promise<Actor> {
  const { officer } = await actorOrStorePassphrase(ctx, officerService(store.db), ['admin'], what);
  return officer ? { officer: officer.username, via: 'cli' } : { officer: null, via: 'cli', authority: 'store passphrase' };
}
const AS = { as: { type: 'string' } } as const;
const AS_USAGE = ' [--as ADMIN]';

const phoneArg = (value: string | undefined): string => {
  if (!value) throw new UsageError('give a phone number');
  const p = normalizePhone(value);
  if (!p.ok) throw new TrykError('bad_request', 'That is not a valid phone number');
  return p.e164;
};

export const subscribersImportCommand: Command = {
  name: 'subscribers import',
  summary: 'import subscribers from CSV or JSON (all rows or none, unless --accept-valid)',
  usage: `tryk subscribers import FILE [--format csv|json] [--accept-valid] [--district NAME|CODE]${AS_USAGE} [--data-dir DIR] [--json]\n  places outside the district (default: the console's, setting console.district) are imported with a warning`,
  options: { format: { type: 'string' }, 'accept-valid': { type: 'boolean' }, district: { type: 'string' }, ...AS },
  async run(ctx) {
    const [file] = ctx.positionals;
    if (!file || ctx.positionals.length > 1) throw new UsageError('name one file');
    const format = formatOf(file, ctx.values.format as string | undefined);
    return withStore(ctx, async (store) => {
      const who = await actor(ctx, store, 'import subscribers');
      const started = Date.now();
      const district = await importDistrict(store.db, ctx.values.district as string | undefined);
      // The file is read and validated in the parse worker as it streams in (electron/parse/).
      const parse = new ParseClient();
      let report;
      try {
        const mode = ctx.values['accept-valid'] ? 'accepted_only' : 'all_or_nothing';
        report = await importPieces(parse, registryService(store.db), { format, name: file, district }, importFileChunks(file), mode, who);
      } finally {
        await parse.close();
      }
      const seconds = (Date.now() - started) / 1000;
      const row = (p: { row: number; field: string; message: string }) => `  row ${p.row}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
      const lines = report.rejected.slice(0, 50).map(row);
      if (report.refused > 50) lines.push(`  … and ${report.refused - 50} more`);
      const warnings = report.warnings.slice(0, 50).map(row);
      if (report.warned > 50) warnings.push(`  … and ${report.warned - 50} more`);
      if (report.warned) warnings.unshift(`${report.warned} row(s) with a warning${district ? ` (outside ${district.name})` : ''}:`);
      const head = report.imported
        ? `Imported ${report.accepted} of ${report.rows} rows in ${seconds.toFixed(1)} s: ${report.created} new, ${report.updated} updated` +
          (report.keptOptedOut ? ` (${report.keptOptedOut} stay opted out)` : '') +
          (report.refused ? `; ${report.refused} rows refused:` : '.')
        : report.refused
          ? `Nothing imported: ${report.refused} of ${report.rows} rows are refused (fix them, or import the ${report.accepted} good rows with --accept-valid):`
          : 'Nothing imported: the file has no rows.';
      if (!report.imported) {
        // Not a success: the caller's script must notice, and the report must still be printed.
        throw new TrykError('bad_request', [head, ...lines, ...warnings].join('\n'), report);
      }
      return { text: [head, ...lines, ...warnings].join('\n'), json: report };
    });
  },
};

function writeAll(out: WriteStream | NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => (out.write(text, (err) => (err ? reject(err) : resolve()))));
}

/**
 * Exports go to a temporary file (0600, beside the target) and are renamed only when whole:
 * a crash or a kill leaves no file under the asked-for name that looks complete, and a failure
 * removes the part written. The audit entry is written first: an export that was never
 * recorded cannot have happened, one recorded and then interrupted leaves nothing behind.
 */
export const subscribersExportCommand: Command = {
  name: 'subscribers export',
  summary: 'export every subscriber as CSV or JSON (personal data: handle with care)',
  usage: `tryk subscribers export [--format csv|json] [--out FILE]${AS_USAGE} [--data-dir DIR]`,
  options: { format: { type: 'string' }, out: { type: 'string' }, ...AS },
  async run(ctx) {
    const format = (ctx.values.format as string | undefined) ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format is csv or json');
    const file = ctx.values.out as string | undefined;
    if (file && existsSync(file)) throw new TrykError('bad_request', `${file} exists already: nothing was written`);
    return withStore(ctx, async (store) => {
      const registry = registryService(store.db);
      const who = await actor(ctx, store, 'export subscribers');
      const partial = file ? join(dirname(file), `.${basename(file)}.${process.pid}.partial`) : null;
      let out: WriteStream | NodeJS.WriteStream = process.stdout;
      if (partial) {
        const stream = createWriteStream(partial, { mode: 0o600, flags: 'wx' });
        await new Promise<void>((resolve, reject) => {
          stream.once('open', () => resolve());
          stream.once('error', (e: NodeJS.ErrnoException) => reject(new TrykError('bad_request', `cannot write beside ${file} (${e.code})`)));
        });
        out = stream;
      }
      const removePartial = () => {
        if (partial) rmSync(partial, { force: true });
      };
      // A signal (Ctrl-C, kill) removes the part written; only SIGKILL can leave it, under the
      // hidden ".partial" name, never the asked-for one.
      const onSignal = (signal: NodeJS.Signals) => {
        removePartial();
        process.kill(process.pid, signal);
      };
      if (partial) for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, onSignal);
      try {
        const { total } = await registry.counts();
        await registry.recordExport(total, format, who);
        let first = true;
        await writeAll(out, format === 'csv' ? `${csvColumns.join(',')}\r\n` : '[\n');
        const count = await registry.each(async (page: StoredSubscriber[]) => {
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
        if (partial && file) {
          const stream = out as WriteStream;
          await new Promise<void>((resolve, reject) => {
            stream.once('error', reject);
            stream.end(() => resolve());
          });
          // link() refuses an existing target (a file made meanwhile is never overwritten).
          try {
            linkSync(partial, file);
          } catch (e) {
            throw new TrykError('bad_request', `${file}: cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'}): nothing was exported`);
          }
          removePartial();
        }
        ctx.progress(`Exported ${count} subscribers${file ? ` to ${file}` : ''}.`);
        return { text: '', json: { exported: count, file: file ?? null } };
      } catch (e) {
        if (partial) (out as WriteStream).destroy();
        removePartial();
        throw e;
      } finally {
        if (partial) for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
      }
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
  usage: `tryk subscribers show PHONE${AS_USAGE} [--data-dir DIR] [--json]`,
  options: { ...AS },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const phone = phoneArg(ctx.positionals[0]);
      const found = await registryService(store.db).lookup(phone, await actor(ctx, store, "see a person's data"));
      // A sign-up by SMS waiting for "JA" is no subscriber yet, but it is this number's status.
      const pending = await pendingSignup(store.db, settingsService(store.db), phone);
      if (!found && pending) {
        const text = [
          `Phone:       ${phone}`,
          `Status:      pending (signed up by SMS at ${pending.requestedAt}, postcode ${pending.postcode ?? '—'})`,
          `Active only after the answer JA, before ${pending.expiresAt}.`,
        ].join('\n');
        return { text, json: { phone, status: 'pending', signup: pending } };
      }
      const s = requirePhone(found);
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
        ...(pending ? [`Pending:     signed up again by SMS at ${pending.requestedAt}; active after JA, before ${pending.expiresAt}`] : []),
      ].join('\n');
      return { text, json: pending ? { ...person, pendingSignup: pending } : person };
    }),
};

export const subscribersEraseCommand: Command = {
  name: 'subscribers erase',
  summary: "erase one person's data completely (their right to be forgotten)",
  usage: `tryk subscribers erase PHONE --yes${AS_USAGE} [--data-dir DIR]`,
  options: { yes: { type: 'boolean' }, ...AS },
  async run(ctx) {
    const phone = phoneArg(ctx.positionals[0]);
    if (ctx.values.yes !== true) throw new UsageError('erasing cannot be undone: add --yes');
    return withStore(ctx, async (store) => {
      if (!(await registryService(store.db).erase(phone, await actor(ctx, store, "erase a person's data")))) throw new TrykError('not_found', 'No subscriber with that phone number');
      return { text: 'Erased the subscriber with their places, groups and categories.', json: { erased: true } };
    });
  },
};
