/**
 * What an alert would cost before it is sent: recipients, how many wait for the end of their
 * quiet hours, SMS parts, the price and the time at the primary gateway's rate.
 */
import { TrykError } from '../../shared/bridge/result';
import type { AlertPreview } from '../../shared/alerts/schema';
import { smsAsSent } from '../../shared/alerts/exercise';
import { analyzeSms } from '../../shared/sms';
import { localTime } from '../dispatch/quiet';
import { describeGateway } from '../gateways/registry';
import type { AlertContext } from './records';
import { releasedFacts } from './released';

/** Routine alerts wait for the end of a recipient's quiet hours: how many would wait now. */
const QUIET_NOW = `quiet_start IS NOT NULL AND quiet_end IS NOT NULL AND (
    (quiet_start < quiet_end AND ? >= quiet_start AND ? < quiet_end) OR
    (quiet_start > quiet_end AND (? >= quiet_start OR ? < quiet_end)))`;


export function alertPreview(ctx: AlertContext): (id: number) => Promise<AlertPreview> {
  /** The primary gateway's agreed rate (parts per second); null when unknown, 0 when unlimited. */
  async function primaryTps(): Promise<number | null> {
    const primary = (await ctx.deps.gateways?.list())?.find((g) => g.primary && g.enabled);
    if (!primary) return null;
    try {
      return describeGateway(primary.url).tps;
    } catch {
      return null; // a stored address its connector no longer reads: no time estimate
    }
  }

  async function preview(id: number): Promise<AlertPreview> {
    const r = await ctx.row(ctx.db, id);
    const minutes = localTime(ctx.now().getTime()).minutes;
    const quietParams = [minutes, minutes, minutes, minutes];
    const routine = r.urgency === 'routine';
    let recipients = 0;
    let delayed = 0;
    // Released: the recipients frozen then, whatever the area counts today.
    const release = await releasedFacts(ctx.db, r);
    if (release) {
      recipients = release.frozenRecipients;
    } else if (r.parent_id !== null) {
      recipients = await ctx.frozenActiveCount(ctx.db, r.parent_id);
      if (routine) {
        const d = await ctx.db.get<{ n: number }>(
          `SELECT count(*) AS n FROM alert_recipients r JOIN subscribers s ON s.id = r.subscriber_id
            WHERE r.alert_id = ? AND s.status = 'active' AND ${QUIET_NOW}`,
          [r.parent_id, ...quietParams],
        );
        delayed = d?.n ?? 0;
      }
    } else if (r.area !== null) {
      const sel = await (await ctx.deps.targeting()).selectRecipients(JSON.parse(r.area), r.filter === null ? undefined : JSON.parse(r.filter));
      if (!sel.ok) throw new TrykError('bad_request', sel.error.message, { area: sel.error.code });
      const ids = sel.value;
      recipients = ids.length;
      if (routine && ids.length) {
        // A bitmap of the selection, then one streamed pass over the people in quiet hours now:
        // no 6-million-long IN list, and memory of one byte per subscriber id.
        let max = 0;
        for (const x of ids) if (x > max) max = x;
        const selected = new Uint8Array(max + 1);
        for (const x of ids) selected[x] = 1;
        await ctx.db.each<{ id: number }>(`SELECT id FROM subscribers WHERE id <= ? AND ${QUIET_NOW}`, [max, ...quietParams], (s) => {
          if (selected[s.id]) delayed++;
        });
      }
    }
    const smsParts = r.sms_text ? analyzeSms(smsAsSent({ smsText: r.sms_text, capStatus: r.cap_status, language: r.language })).segments : 0;
    const totalParts = smsParts * recipients;
    const price = await ctx.settings.get('sms.pricePerPartOre');
    const tps = await primaryTps();
    return {
      recipients,
      delayedByQuietHours: delayed,
      smsParts,
      totalParts,
      costEstimateOre: Math.round(totalParts * price),
      sendSeconds: tps ? totalParts / tps : 0,
      release: release ? { sendId: release.sendId, releasedAt: release.releasedAt } : null,
    };
  }

  return preview;
}
