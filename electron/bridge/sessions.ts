/**
 * Sessions that outlive a connection. The headless host's sign-in belongs to a session, not to
 * one WebSocket: a reload or a network blip reattaches the same session by presenting its
 * resume token, so the officer stays signed in (the idle lock still applies).
 *
 * The resume token is the only key to a session, so it is treated like a password:
 * - random (256 bits), kept here only as a SHA-256 hash, compared by map lookup of that hash;
 * - bound to this host start (this registry lives in memory: a restarted host knows none);
 * - rotated at every reattach and at every sign-in, so a copied token resumes at most once;
 * - short-lived once detached: a session nobody reattaches within `resumeWindowMs` is gone;
 * - worthless after sign-out or the idle lock: only a signed-in, not idle session resumes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { newSession } from './dispatcher';
import type { CallerSession } from './dispatcher';

/** A reload takes a second or two, a blip plus the renderer's reconnect backoff (≤ 10 s) a little more. */
export const RESUME_WINDOW_MS = 2 * 60_000;
/** Detached sessions kept at most (a page reloaded in a loop must not grow this without bound). */
const MAX_DETACHED = 200;

interface Entry<O> {
  session: CallerSession;
  hash: string;
  owner: O | null;
  detachedAt: number | null;
}

export interface Attached<O> {
  session: CallerSession;
  /** Give this to the renderer: the one token that resumes the session now. */
  resume: string;
  resumed: boolean;
  /** The connection that held the session until now (close it: it was taken over). */
  displaced: O | null;
}

export interface SessionRegistryOptions {
  now?: () => number;
  resumeWindowMs?: number;
  /** The console's idle lock (0: none); an idle session does not resume. */
  idleLockMs?: () => number;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/** O is whatever identifies a connection for the host (a WebSocket). */
export class SessionRegistry<O> {
  private readonly byHash = new Map<string, Entry<O>>();
  private readonly bySession = new Map<CallerSession, Entry<O>>();
  private readonly now: () => number;
  private readonly window: number;
  private readonly idleLockMs: () => number;

  constructor(options: SessionRegistryOptions = {}) {
    this.now = options.now ?? Date.now;
    this.window = options.resumeWindowMs ?? RESUME_WINDOW_MS;
    this.idleLockMs = options.idleLockMs ?? (() => 0);
  }

  /** A connection arrived: its old session when `resume` still names a resumable one, else a new session. */
  attach(owner: O, resume: string | undefined): Attached<O> {
    this.sweep();
    const found = resume ? this.byHash.get(hashOf(resume)) : undefined;
    if (found && this.resumable(found)) {
      const displaced = found.owner !== null && found.owner !== owner ? found.owner : null;
      found.owner = owner;
      found.detachedAt = null;
      return { session: found.session, resume: this.rotateEntry(found), resumed: true, displaced };
    }
    if (found) this.forget(found);
    const entry: Entry<O> = { session: newSession(), hash: '', owner, detachedAt: null };
    this.bySession.set(entry.session, entry);
    return { session: entry.session, resume: this.rotateEntry(entry), resumed: false, displaced: null };
  }

  /** The connection is gone; its session waits for a reattach, if there is anything to resume. */
  detach(owner: O, session: CallerSession): void {
    const entry = this.bySession.get(session);
    if (!entry || entry.owner !== owner) return; // taken over meanwhile: the new owner has it
    entry.owner = null;
    entry.detachedAt = this.now();
    if (!this.resumable(entry)) this.forget(entry);
  }

  /** A new resume token for the session (after a sign-in); the old one stops working. */
  rotate(session: CallerSession): string | null {
    const entry = this.bySession.get(session);
    return entry ? this.rotateEntry(entry) : null;
  }

  /** How many sessions are held (attached or waiting); for tests and the host's log. */
  get size(): number {
    return this.bySession.size;
  }

  clear(): void {
    this.byHash.clear();
    this.bySession.clear();
  }

  private resumable(entry: Entry<O>): boolean {
    const now = this.now();
    const { officer, lastActivity } = entry.session;
    if (!officer) return false; // signed out or locked: nothing to resume
    const idle = this.idleLockMs();
    if (idle > 0 && now - lastActivity > idle) return false;
    return entry.detachedAt === null || now - entry.detachedAt <= this.window;
  }

  private rotateEntry(entry: Entry<O>): string {
    if (entry.hash) this.byHash.delete(entry.hash);
    const token = newToken();
    entry.hash = hashOf(token);
    this.byHash.set(entry.hash, entry);
    return token;
  }

  private forget(entry: Entry<O>) {
    this.byHash.delete(entry.hash);
    this.bySession.delete(entry.session);
  }

  private sweep() {
    const detached: Entry<O>[] = [];
    for (const entry of this.bySession.values()) {
      if (entry.owner !== null) continue;
      if (!this.resumable(entry)) this.forget(entry);
      else detached.push(entry);
    }
    // Oldest first out when a reload loop (or a misbehaving page) leaves too many behind.
    detached.sort((a, b) => (a.detachedAt ?? 0) - (b.detachedAt ?? 0));
    for (const entry of detached.slice(0, Math.max(0, detached.length - MAX_DETACHED))) this.forget(entry);
  }
}
