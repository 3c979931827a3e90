/**
 * Local officer accounts. Roles are enforced by the bridge dispatcher for every call, not by
 * hiding buttons: operator (drafts, sends what needs no approval), approver (shift leader:
 * approves and sends), admin (gateways, groups, rules, accounts).
 */
import { TrykError } from '../../shared/bridge/result';
import { appendAudit } from '../audit/service';
import type { Role } from '../bridge/dispatcher';
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
  signin_paused_until: string | null;
}

/** Where a sign-in or an account change came from, for the audit trail. */
export interface Via {
  /** 'electron' | 'headless' for the console's hosts, 'cli' for `tryk … --as`. */
  host: 'electron' | 'headless' | 'cli';
}

/**
 * Who made an account change: a signed-in admin, or (CLI without --as: the first admin of a
 * new store) whoever holds the store passphrase, recorded as such.
 */
export type AccountActor = { officer: string } | { storePassphrase: true };
export const STORE_PASSPHRASE: AccountActor = { storePassphrase: true };

const toOfficer = (r: Row): Officer => ({ id: r.id, username: r.username, displayName: r.display_name, roles: JSON.parse(r.roles) });

export interface OfficerService {
  /** Creates an account and audits it (officer_created) in the same transaction. */
  create(input: { username: string; displayName: string; roles: Role[]; passphrase: string }, actor?: AccountActor, via?: Via): Promise<Officer>;
  /**
   * Checks a passphrase. Attempts on one account run one at a time, and the pause check, the
   * passphrase check and the failure count are one step: forty guesses at once cannot slip
   * past the pause. Every outcome is audited (sign_in / sign_in_failed) in the transaction
   * that updates the count; the pause is stored, so it holds for every process and host.
   */
  signIn(username: string, passphrase: string, via: Via): Promise<Officer>;
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
  const wrong = () => new TrykError('unauthorized', 'Wrong username or passphrase');
  /** The tail of each account's queue of sign-in attempts. */
  const queues = new Map<string, Promise<unknown>>();
  const serialised = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const before = queues.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return run;
  };

  async function attempt(username: string, passphrase: string, via: Via): Promise<Officer> {
    const name = username.trim();
    const failed = (reason: string, row?: Row) =>
      db.transaction(async (tx) => {
        let count: number | undefined;
        if (row && reason === 'wrong_passphrase') {
          const next = row.failed_signins + 1;
          const pause = next % MAX_FAILED_SIGNINS === 0 ? new Date(now().getTime() + SIGNIN_PAUSE_MS).toISOString() : row.signin_paused_until;
          await tx.run('UPDATE officers SET failed_signins = ?, signin_paused_until = ? WHERE id = ?', [next, pause, row.id]);
          count = next;
        }
        await appendAudit(tx, {
          at: now(),
          officer: null,
          action: 'sign_in_failed',
          subject: row ? `officer:${row.id}` : 'session',
          details: { username: name.slice(0, 40), host: via.host, reason, ...(count === undefined ? {} : { failedInARow: count }) },
        });
      });
    const row = await db.get<Row>('SELECT * FROM officers WHERE username = ?', [name]);
    if (!row) {
      await verifyPassphrase(passphrase, 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA'); // same work whether or not the name exists
      await failed('unknown_username');
      throw wrong();
    }
    if (row.disabled) {
      await failed('disabled', row);
      throw new TrykError('forbidden', 'This account is disabled: ask an administrator');
    }
    const until = row.signin_paused_until ? Date.parse(row.signin_paused_until) : 0;
    if (until > now().getTime()) {
      await failed('paused', row);
      throw new TrykError('unauthorized', `Too many wrong passphrases: try again in ${Math.ceil((until - now().getTime()) / 1000)} s`);
    }
    if (!(await verifyPassphrase(passphrase, row.pass_hash))) {
      await failed('wrong_passphrase', row);
      throw wrong();
    }
    await db.transaction(async (tx) => {
      if (row.failed_signins || row.signin_paused_until) {
        await tx.run('UPDATE officers SET failed_signins = 0, signin_paused_until = NULL WHERE id = ?', [row.id]);
      }
      await appendAudit(tx, { at: now(), officer: row.username, action: 'sign_in', subject: 'session', details: { host: via.host } });
    });
    return toOfficer(row);
  }

  return {
    async create({ username, displayName, roles: wanted, passphrase }, actor = STORE_PASSPHRASE, via = { host: 'cli' }) {
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
        return await db.transaction(async (tx) => {
          const { lastID } = await tx.run(
            'INSERT INTO officers (username, display_name, roles, pass_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
            [name, displayName.trim(), JSON.stringify(unique), hash, at, at],
          );
          await appendAudit(tx, {
            at: now(),
            officer: 'officer' in actor ? actor.officer : null,
            action: 'officer_created',
            subject: `officer:${lastID}`,
            details: { username: name, roles: unique, host: via.host, ...('storePassphrase' in actor ? { authority: 'store passphrase' } : {}) },
          });
          return { id: lastID, username: name, displayName: displayName.trim(), roles: unique };
        });
      } catch (e) {
        if (/UNIQUE/.test((e as Error).message)) throw new TrykError('conflict', `There is already an officer called ${name}`);
        throw e;
      }
    },
    signIn(username, passphrase, via) {
      return serialised(username.trim().toLowerCase(), () => attempt(username, passphrase, via));
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
