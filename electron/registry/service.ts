/**
 * The subscriber registry in the store: import (all or nothing, or the accepted rows only),
 * export, a person's own data (show, erase) and the counts. Opted-out stays opted out.
 */
import { ImportValidator } from '../../shared/registry/import';
import type { ValidationSummary } from '../../shared/registry/import';
import type { Category, PlaceInput, RawRecord, SubscriberInput, SubscriberStatus } from '../../shared/registry/subscriber';
import { TrykError } from '../../shared/bridge/result';
import { appendAudit } from '../audit/service';
import { insertMany } from '../store/db';
import type { Db, Queryable } from '../store/db';

export type ImportMode = 'all_or_nothing' | 'accepted_only';

/** Who did it, for the audit trail: an officer's username, or null with how (the CLI). */
export interface Actor {
  officer: string | null;
  via: 'console' | 'cli';
  /** CLI without --as: the action was taken with the store passphrase alone, and the trail says so. */
  authority?: 'store passphrase';
}

/** What every registry audit entry says about who acted and how. */
const by = (actor: Actor) => ({ via: actor.via, ...(actor.authority ? { authority: actor.authority } : {}) });

/** A file's validation and a way to its good rows, `count` at a time from `from`. */
export interface ValidatedFile extends ValidationSummary {
  page(from: number, count: number): Promise<SubscriberInput[]>;
}

/** What the validation found (rows, refused rows, warnings: shared/registry/import.ts) and what the import did. */
export interface ImportReport extends ValidationSummary {
  /** Whether the store was changed. */
  imported: boolean;
  created: number;
  updated: number;
  /** Rows whose subscriber had opted out: their data is updated but they stay opted out. */
  keptOptedOut: number;
}

export interface StoredSubscriber extends SubscriberInput {
  id: number;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriberCounts {
  total: number;
  byStatus: Record<SubscriberStatus, number>;
  /** Active subscribers per group code. */
  byGroup: Record<string, number>;
  places: number;
}

const CHUNK = 500;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

export interface RegistryService {
  groups(): Promise<Map<string, number>>;
  /** Validates here and imports (tests, the demo, benchmarks: text already in memory). */
  importRecords(records: readonly { row: number; record: RawRecord }[], mode: ImportMode, actor: Actor): Promise<ImportReport>;
  /** Imports rows validated elsewhere (the parse worker), a page at a time, in one transaction. */
  importValidated(file: ValidatedFile, mode: ImportMode, actor: Actor): Promise<ImportReport>;
  /** Every subscriber, in id order, a page at a time (export never holds 6 million in memory). */
  each(onPage: (page: StoredSubscriber[]) => Promise<void> | void, pageSize?: number): Promise<number>;
  find(phone: string): Promise<StoredSubscriber | null>;
  /** A person's data for an officer's task (their right to see it): read and audited in one transaction. */
  lookup(phone: string, actor: Actor): Promise<StoredSubscriber | null>;
  erase(phone: string, actor: Actor): Promise<boolean>;
  /** Records an export in the audit trail (the export itself streams pages from `each`). */
  recordExport(count: number, format: string, actor: Actor): Promise<void>;
  counts(): Promise<SubscriberCounts>;
  /** Called with the ids whose places or filters changed, so the targeting index can follow. */
  onChange(listener: (change: { upserted: number[]; removed: number[] }) => void): () => void;
  /**
   * Tells the listeners about subscribers changed elsewhere in a committed transaction (an
   * SMS keyword's opt-out or sign-up), so the targeting index and the counts follow at once.
   */
  notifyChanged(upserted: number[], removed?: number[]): void;
}

export function registryService(db: Db, now: () => Date = () => new Date()): RegistryService {
  const listeners = new Set<(change: { upserted: number[]; removed: number[] }) => void>();
  const changed = (upserted: number[], removed: number[]) => {
    for (const l of listeners) l({ upserted, removed });
  };

  const groups = async () =>
    new Map((await db.all<{ id: number; code: string }>('SELECT id, code FROM groups')).map((g) => [g.code, g.id]));

  async function load(q: Queryable, rows: { id: number; phone: string; name: string | null; language: 'da' | 'en'; status: SubscriberStatus; quiet_start: number | null; quiet_end: number | null; consent_at: string | null; consent_method: string | null; consent_text_version: string | null; created_at: string; updated_at: string }[]): Promise<StoredSubscriber[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const places = await q.all<{ subscriber_id: number; kind: PlaceInput['kind']; address: string | null; lat: number; lon: number }>(
      `SELECT subscriber_id, kind, address, lat, lon FROM places WHERE subscriber_id IN (${marks(ids.length)}) ORDER BY id`,
      ids,
    );
    const grp = await q.all<{ subscriber_id: number; code: string }>(
      `SELECT sg.subscriber_id, g.code FROM subscriber_groups sg JOIN groups g ON g.id = sg.group_id WHERE sg.subscriber_id IN (${marks(ids.length)}) ORDER BY g.code`,
      ids,
    );
    const cats = await q.all<{ subscriber_id: number; category: Category }>(
      `SELECT subscriber_id, category FROM subscriber_categories WHERE subscriber_id IN (${marks(ids.length)}) ORDER BY category`,
      ids,
    );
    const by = <T extends { subscriber_id: number }>(list: T[]) => {
      const m = new Map<number, T[]>();
      for (const x of list) m.set(x.subscriber_id, [...(m.get(x.subscriber_id) ?? []), x]);
      return m;
    };
    const [pm, gm, cm] = [by(places), by(grp), by(cats)];
    return rows.map((r) => ({
      id: r.id,
      phone: r.phone,
      name: r.name,
      language: r.language,
      status: r.status,
      places: (pm.get(r.id) ?? []).map(({ kind, address, lat, lon }) => ({ kind, address, lat, lon })),
      groups: (gm.get(r.id) ?? []).map((g) => g.code),
      categories: (cm.get(r.id) ?? []).map((c) => c.category),
      quietStart: r.quiet_start,
      quietEnd: r.quiet_end,
      consentAt: r.consent_at,
      consentMethod: r.consent_method,
      consentTextVersion: r.consent_text_version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  const columns =
    'id, phone, name, language, status, quiet_start, quiet_end, consent_at, consent_method, consent_text_version, created_at, updated_at';

  return {
    groups,
    async importRecords(records, mode, actor) {
      const validator = new ImportValidator(new Set((await groups()).keys()));
      validator.add(records);
      const summary = validator.result();
      return this.importValidated({ ...summary, page: async (from, count) => validator.accepted.slice(from, from + count) }, mode, actor);
    },
    async importValidated(file, mode, actor) {
      const report: ImportReport = {
        imported: false,
        rows: file.rows,
        accepted: file.accepted,
        rejected: file.rejected,
        refused: file.refused,
        warnings: file.warnings,
        warned: file.warned,
        created: 0,
        updated: 0,
        keptOptedOut: 0,
      };
      if (file.accepted === 0 || (file.refused > 0 && mode === 'all_or_nothing')) return report;
      const at = now();
      const atText = at.toISOString();
      const groupIds = await groups();
      const ids: number[] = [];
      // One transaction, the good rows taken a page at a time from wherever they were read
      // (the parse worker): this thread never holds or loops over the whole file at once.
      await db.transaction(async (tx) => {
        for (let from = 0; from < file.accepted; from += CHUNK) {
          const subs = await file.page(from, CHUNK);
          const existing = new Map<string, { id: number; status: SubscriberStatus }>();
          for (const r of await tx.all<{ id: number; phone: string; status: SubscriberStatus }>(
            `SELECT id, phone, status FROM subscribers WHERE phone IN (${marks(subs.length)})`,
            subs.map((s) => s.phone),
          )) {
            existing.set(r.phone, r);
          }
          report.updated += existing.size;
          report.created += subs.length - existing.size;
          for (const e of existing.values()) if (e.status === 'opted_out') report.keptOptedOut++;
          await insertMany(
            tx,
            `INSERT INTO subscribers (phone, name, language, status, quiet_start, quiet_end, consent_at, consent_method, consent_text_version, created_at, updated_at)`,
            11,
            subs.map((s) => [s.phone, s.name, s.language, s.status, s.quietStart, s.quietEnd, s.consentAt, s.consentMethod, s.consentTextVersion, atText, atText]),
            `ON CONFLICT (phone) DO UPDATE SET name = excluded.name, language = excluded.language,
               status = CASE WHEN subscribers.status = 'opted_out' THEN 'opted_out' ELSE excluded.status END,
               quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
               consent_at = coalesce(excluded.consent_at, subscribers.consent_at),
               consent_method = coalesce(excluded.consent_method, subscribers.consent_method),
               consent_text_version = coalesce(excluded.consent_text_version, subscribers.consent_text_version),
               updated_at = excluded.updated_at`,
          );
          const idOf = new Map<string, number>();
          for (const r of await tx.all<{ id: number; phone: string }>(
            `SELECT id, phone FROM subscribers WHERE phone IN (${marks(subs.length)})`,
            subs.map((s) => s.phone),
          )) {
            idOf.set(r.phone, r.id);
          }
          const updatedIds = [...existing.values()].map((e) => e.id);
          if (updatedIds.length) {
            for (const table of ['places', 'subscriber_groups', 'subscriber_categories']) {
              await tx.run(`DELETE FROM ${table} WHERE subscriber_id IN (${marks(updatedIds.length)})`, updatedIds);
            }
          }
          await insertMany(
            tx,
            'INSERT INTO places (subscriber_id, kind, address, lat, lon)',
            5,
            subs.flatMap((s) => s.places.map((p) => [idOf.get(s.phone)!, p.kind, p.address, p.lat, p.lon])),
          );
          await insertMany(
            tx,
            'INSERT INTO subscriber_groups (subscriber_id, group_id)',
            2,
            subs.flatMap((s) => s.groups.map((g) => [idOf.get(s.phone)!, groupIds.get(g)!])),
          );
          await insertMany(
            tx,
            'INSERT INTO subscriber_categories (subscriber_id, category)',
            2,
            subs.flatMap((s) => s.categories.map((c) => [idOf.get(s.phone)!, c])),
          );
          ids.push(...idOf.values());
        }
        await appendAudit(tx, {
          at,
          officer: actor.officer,
          action: 'import',
          subject: 'subscribers',
          details: { ...by(actor), rows: report.rows, created: report.created, updated: report.updated, refused: report.refused, warned: report.warned },
        });
      });
      report.imported = true;
      changed(ids, []);
      return report;
    },
    async each(onPage, pageSize = 2000) {
      let after = 0;
      let total = 0;
      for (;;) {
        const rows = await db.all<Parameters<typeof load>[1][number]>(
          `SELECT ${columns} FROM subscribers WHERE id > ? ORDER BY id LIMIT ?`,
          [after, pageSize],
        );
        if (rows.length === 0) return total;
        await onPage(await load(db, rows));
        total += rows.length;
        after = rows[rows.length - 1]!.id;
      }
    },
    async find(phone) {
      const rows = await db.all<Parameters<typeof load>[1][number]>(`SELECT ${columns} FROM subscribers WHERE phone = ?`, [phone]);
      return (await load(db, rows))[0] ?? null;
    },
    async erase(phone, actor) {
      const row = await db.get<{ id: number }>('SELECT id FROM subscribers WHERE phone = ?', [phone]);
      if (!row) return false;
      // Cascades to places, groups and categories; secure_delete overwrites the freed pages.
      await db.transaction(async (tx) => {
        await tx.run('DELETE FROM subscribers WHERE id = ?', [row.id]);
        // The record of past sends keeps its counts, not the number; their tips go with them.
        // A row still to be sent then fails as an invalid number: an erased person gets nothing.
        await tx.run("UPDATE outbox SET phone = '' WHERE subscriber_id = ?", [row.id]);
        await tx.run('DELETE FROM tips WHERE sender = ?', [phone]);
        await tx.run('DELETE FROM inbound_messages WHERE from_phone = ?', [phone]);
        await tx.run('DELETE FROM inbound_parts WHERE from_phone = ?', [phone]);
        await tx.run('DELETE FROM sms_replies WHERE phone = ?', [phone]);
        await tx.run('DELETE FROM sms_signups WHERE phone = ?', [phone]);
        await appendAudit(tx, { at: now(), officer: actor.officer, action: 'erase', subject: `subscriber:${row.id}`, details: by(actor) });
      });
      changed([], [row.id]);
      return true;
    },
    async recordExport(count, format, actor) {
      await db.transaction((tx) =>
        appendAudit(tx, { at: now(), officer: actor.officer, action: 'export', subject: 'subscribers', details: { ...by(actor), count, format } }),
      );
    },
    async lookup(phone, actor) {
      return db.transaction(async (tx) => {
        const rows = await tx.all<Parameters<typeof load>[1][number]>(`SELECT ${columns} FROM subscribers WHERE phone = ?`, [phone]);
        const found = (await load(tx, rows))[0] ?? null;
        // Looking is audited too, found or not (a search for a number is itself a fact to keep).
        await appendAudit(tx, { at: now(), officer: actor.officer, action: 'lookup', subject: found ? `subscriber:${found.id}` : 'subscribers', details: { ...by(actor), found: found !== null } });
        return found;
      });
    },
    async counts() {
      const byStatus: Record<SubscriberStatus, number> = { active: 0, paused: 0, opted_out: 0 };
      for (const r of await db.all<{ status: SubscriberStatus; n: number }>('SELECT status, count(*) AS n FROM subscribers GROUP BY status')) {
        byStatus[r.status] = r.n;
      }
      const byGroup: Record<string, number> = {};
      for (const r of await db.all<{ code: string; n: number }>(
        `SELECT g.code, count(s.id) AS n FROM groups g
           LEFT JOIN subscriber_groups sg ON sg.group_id = g.id
           LEFT JOIN subscribers s ON s.id = sg.subscriber_id AND s.status = 'active'
         GROUP BY g.code ORDER BY g.code`,
      )) {
        byGroup[r.code] = r.n;
      }
      const places = (await db.get<{ n: number }>('SELECT count(*) AS n FROM places'))?.n ?? 0;
      return { total: byStatus.active + byStatus.paused + byStatus.opted_out, byStatus, byGroup, places };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notifyChanged(upserted, removed = []) {
      if (upserted.length + removed.length > 0) changed(upserted, removed);
    },
  };
}

export function requirePhone(found: StoredSubscriber | null): StoredSubscriber {
  if (!found) throw new TrykError('not_found', 'No subscriber with that phone number');
  return found;
}
