/**
 * "Send test to my phone": the alert's SMS, as it would go out and marked as a test, to the
 * signed-in officer's own number (set by an administrator), through the primary gateway.
 * Before approval only; audited without the number or the text; never in a send's funnel.
 */
import { smsAsSent } from '../../shared/alerts/exercise';
import { TrykError } from '../../shared/bridge/result';
import { maskPhone } from '../../shared/phone';
import { appendAudit } from '../audit/service';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Sender } from '../sending/sender';
import type { Services } from '../services';

export const TEST_PREFIX = { da: 'TEST – kun til dig, ikke sendt til borgere:', en: 'TEST – only to you, not sent to citizens:' } as const;
/** One test per officer this often at most: a button held down must not become a send. */
export const TEST_INTERVAL_MS = 10_000;
/** A test is for checking a text before it is approved and released. */
const TESTABLE = new Set(['draft', 'awaiting_approval', 'approved']);

export function testSmsHandlers(services: Services, sender: () => Sender | null): DomainHandlers<'alerts.sendTest'> {
  const lastTest = new Map<number, number>();
  return {
    'alerts.sendTest': {
      roles: ALL_ROLES.filter((r) => r !== 'admin'),
      handle: async ({ id }, caller) => {
        const officer = caller.session.officer!;
        const alert = await services.alerts.get(id);
        if (!TESTABLE.has(alert.status)) {
          throw new TrykError('conflict', `A test goes before release; this alert is ${alert.status}`, { status: alert.status });
        }
        if (!alert.smsText.trim()) throw new TrykError('bad_request', 'The SMS text is empty', { field: 'smsText' });
        const phone = await services.officers.phoneOf(officer.id);
        if (!phone) throw new TrykError('not_found', 'You have no own phone number: an administrator sets it with "tryk officer set-phone"', { reason: 'no_phone' });
        const now = services.now().getTime();
        const last = lastTest.get(officer.id);
        if (last !== undefined && now - last < TEST_INTERVAL_MS) {
          throw new TrykError('conflict', 'A test was sent a moment ago: wait a few seconds', { reason: 'too_soon' });
        }
        const s = sender();
        if (!s) throw new TrykError('unavailable', 'This console is not sending (no gateway is connected here)', { reason: 'gateway_offline' });
        lastTest.set(officer.id, now);
        const text = `${TEST_PREFIX[alert.language]}\n${smsAsSent(alert)}`;
        const { gateway, outcome } = await s.sendOne(phone, text);
        const accepted = outcome.kind === 'accepted';
        const code = outcome.kind === 'rejected' ? outcome.code : null;
        await services.store.db.transaction((tx) =>
          appendAudit(tx, { at: services.now(), officer: officer.username, action: 'test_sms', subject: `alert:${id}`, details: { gateway, accepted, ...(code ? { code } : {}), revision: alert.revision } }),
        );
        return { to: maskPhone(phone), gateway, accepted, code };
      },
    },
  };
}
