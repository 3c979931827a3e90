/**
 * A sign-up by SMS waiting for its "JA": kept in `sms_signups`, not as a subscriber, until the
 * number confirms (then it becomes an active subscriber) or the wait runs out.
 */
import type { SettingsService } from '../config/settings';
import type { Queryable } from '../store/db';
import { tipSettings } from './intake';

export interface PendingSignup {
  postcode: string | null;
  requestedAt: string;
  /** After this the "JA" no longer confirms it (the housekeeping deletes it). */
  expiresAt: string;
}

export async function pendingSignup(db: Queryable, settings: SettingsService, phone: string, now: Date = new Date()): Promise<PendingSignup | null> {
  const hours = (await tipSettings(settings)).signupHours;
  const row = await db.get<{ postcode: string | null; requested_at: string }>('SELECT postcode, requested_at FROM sms_signups WHERE phone = ? AND requested_at >= ?', [
    phone,
    new Date(now.getTime() - hours * 3_600_000).toISOString(),
  ]);
  if (!row) return null;
  return { postcode: row.postcode, requestedAt: row.requested_at, expiresAt: new Date(Date.parse(row.requested_at) + hours * 3_600_000).toISOString() };
}
