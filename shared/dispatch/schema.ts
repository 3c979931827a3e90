/** What the delivery monitor sees of a send: counts and rates, never a phone number or the text. */
import { z } from 'zod';

export const outboxStates = ['queued', 'deferred', 'submitting', 'accepted', 'delivered', 'failed', 'expired', 'cancelled'] as const;
export const SendState = z.enum(['queued', 'sending', 'paused', 'done', 'cancelled']);

export const SendStatus = z.object({
  sendId: z.number().int(),
  /** 'alert:ID' when the send is an alert's. */
  alertRef: z.string().nullable(),
  state: SendState,
  priority: z.enum(['urgent', 'routine']),
  gateways: z.object({ primary: z.string(), fallback: z.string().nullable(), active: z.string() }),
  recipients: z.number().int(),
  counts: z.object(Object.fromEntries(outboxStates.map((s) => [s, z.number().int()])) as Record<(typeof outboxStates)[number], z.ZodNumber>),
  /** Recipients in a final state (delivered, failed, expired, cancelled). */
  finished: z.number().int(),
  possibleDuplicates: z.number().int(),
  /** Messages handed to the gateway per second over the last few seconds. */
  throughput: z.number(),
  etaSeconds: z.number().nullable(),
  failures: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  /**
   * Set while the send is paused because its gateway refuses every message (no sender,
   * credentials refused…): the gateway's own words; the recipients wait in the queue.
   */
  attention: z.object({ gateway: z.string(), code: z.string(), reason: z.string(), since: z.string() }).nullable(),
  createdAt: z.string(),
  releasedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type SendStatus = z.infer<typeof SendStatus>;
