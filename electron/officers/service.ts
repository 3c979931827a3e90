/**
 * Local officer accounts. Roles are enforced by the bridge dispatcher for every call, not by
 * hiding buttons: operator (drafts, sends what needs no approval), approver (shift leader:
 * approves and sends), admin (gateways, groups, rules, accounts).
 */
import { TrykError } from '../../shared/bridge/result';
import type { Role } from '../bridge/dispatcher';
import { appendAudit } from '../audit/service';
import type { Db } from '../store/db';
import { hashPassphrase, verifyPassphrase } from './passphrase';
import type { HashCost } from './passphrase';

export const roles: readonly Role[] = ['operator', 'approver', 'admin'];
export const MIN_OFFICER_PASSPHRASE = 10;
/** After this many wrong passphrases in a row an account waits before it may try again. */
export const MAX_FAILED_SIGNINS = 5;
export const SIGNIN_PAUSE_MS = 60_000;

export interface Officer {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
}

interface Row {
  id: number;
  username: string;
  display_name: string;
  roles: string;
  pass_hash: string;
  disabled: number;
  failed_signins: number;
}

const toOfficer = (r: Row): Officer => ({ id: r.id, username: r.username, displayName: r.display_name, roles: JSON.parse(r.roles) });

export interface OfficerService {
  create(input: { username: string; displayName: string; roles: Role[]; passphrase: string }): Promise<Officer>;
  signIn(username: string, passphrase: string): Promise<Officer>;
  list(): Promise<(Officer & { disabled: boolean })[]>;
  get(id: number): Promise<Officer | null>;
  count(): Promise<number>;
  /**
   * Sets (or with null, removes) an officer's own phone number, audited (without the number) in
   * the same transaction; returns whether the officer exists.
   */
  setPhone(username: string, e164: string | null, via: { by: string | null; via: 'cli' | 'console' }): Promise<boolean>;
  /** The officer's own number (E.164), for a test SMS; null when none is set. */
  phoneOf(id: number): Promise<string | null>;
}

export function officerService(db: Db, opts: { now?: () => Date; cost?: HashCost } = {}): OfficerService {
  const now = opts.now ?? (() => new Date());
  const pausedUntil = new Map<number, number>();
  const wrong = () => new TrykError('unauthorized', 'Wrong username or passphrase');
  return {
    async create({ username, displayName, roles: wanted, passphrase }) {
      const name = username.trim();
      if (!/^[\p{L}\p{N}._-]{2,40}$/u.test(name)) {
        throw new TrykError('bad_request', 'A username is 2–40 letters, digits, dots, dashes or underscores');
      }
      if (!displayName.trim() || displayName.length > 100) throw new TrykError('bad_request', 'A display name is 1–100 characters');
      const unique = [...new Set(wanted)];
      if (unique.length === 0 || unique.some((r) => !roles.includes(r))) {
        throw new TrykError('bad_request', `Roles are one or more of ${roles.join(', ')}`);
      }
      if (passphrase.length < MIN_OFFICER_PASSPHRASE) {
        throw new TrykError('bad_request', `An officer's passphrase is at least ${MIN_OFFICER_PASSPHRASE} characters`);
      }
      const hash = await hashPassphrase(passphrase, opts.cost);
      const at = now().toISOString();
      try {
        const { lastID } = await db.run(
          'INSERT INTO officers (username, display_name, roles, pass_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
          [name, displayName.trim(), JSON.stringify(unique), hash, at, at],
        );
        return { id: lastID, username: name, displayName: displayName.trim(), roles: unique };
      } catch (e) {
        if (/UNIQUE/.test((e as Error).message)) throw new TrykError('conflict', `There is already an officer called ${name}`);
        throw e;
      }
    },
    async signIn(username, passphrase) {
      const row = await db.get<Row>('SELECT * FROM officers WHERE username = ?', [username.trim()]);
      if (!row) {
        await verifyPassphrase(passphrase, 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA'); // same work whether or not the name exists
        throw wrong();
      }
      if (row.disabled) throw new TrykError('forbidden', 'This account is disabled: ask an administrator');
      const until = pausedUntil.get(row.id) ?? 0;
      if (until > now().getTime()) {
        throw new TrykError('unauthorized', `Too many wrong passphrases: try again in ${Math.ceil((until - now().getTime()) / 1000)} s`);
      }
      if (!(await verifyPassphrase(passphrase, row.pass_hash))) {
        const failed = row.failed_signins + 1;
        await db.run('UPDATE officers SET failed_signins = ? WHERE id = ?', [failed, row.id]);
        if (failed % MAX_FAILED_SIGNINS === 0) pausedUntil.set(row.id, now().getTime() + SIGNIN_PAUSE_MS);
        throw wrong();
      }
      if (row.failed_signins) await db.run('UPDATE officers SET failed_signins = 0 WHERE id = ?', [row.id]);
      pausedUntil.delete(row.id);
      return toOfficer(row);
    },
    async list() {
      return (await db.all<Row>('SELECT * FROM officers ORDER BY username')).map((r) => ({ ...toOfficer(r), disabled: r.disabled === 1 }));
    },
    async get(id) {
      const row = await db.get<Row>('SELECT * FROM officers WHERE id = ? AND disabled = 0', [id]);
      return row ? toOfficer(row) : null;
    },
    async count() {
      return (await db.get<{ n: number }>('SELECT count(*) AS n FROM officers'))?.n ?? 0;
    },
    async setPhone(username, e164, { by, via }) {
      return db.transaction(async (tx) => {
        const { changes } = await tx.run('UPDATE officers SET phone = ? WHERE username = ?', [e164, username]);
        if (!changes) return false;
        await appendAudit(tx, { at: now(), officer: by, action: 'officer_phone_set', subject: `officer:${username}`, details: { via, set: e164 !== null } });
        return true;
      });
    },
    async phoneOf(id) {
      return (await db.get<{ phone: string | null }>('SELECT phone FROM officers WHERE id = ?', [id]))?.phone ?? null;
    },
  };
}
