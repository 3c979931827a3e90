/**
 * The inbound pipeline as a running console holds it: the intake the gateways hand messages
 * to, the inbox service, the reply pump over the dispatch engine, the housekeeping sweep, and
 * one aggregated 'tips.changed' event at most every quarter second however fast tips arrive.
 */
import type { Services } from '../services';
import type { InboundSms } from '../gateways/gateway';
import { logFor } from '../log';
import type { Sender } from '../sending/sender';
import { createIntake } from './intake';
import type { Intake, IntakeEffects } from './intake';
import { replyPump } from './replies';
import type { ReplyPump } from './replies';
import { tipService } from './service';
import type { TipService } from './service';

export interface Tips {
  intake: Intake;
  service: TipService;
  /** What the gateways call for each inbound message (resolves once committed). */
  inbound(gateway: string, message: InboundSms): Promise<void>;
  /** Starts answering through the sender's engine and sweeping. */
  attach(sender: Sender | null): void;
  pump(): Promise<number[]>;
  close(): Promise<void>;
}

export const TIPS_EVENT_INTERVAL_MS = 250;

export function createTips(services: Services, hooks: { surveys?: () => void } = {}): Tips {
  const { emit } = services;
  const now = () => services.now();
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let sweepTimer: NodeJS.Timeout | null = null;
  let sender: Sender | null = null;
  let pumpTimer: NodeJS.Timeout | null = null;
  const changed = () => {
    dirty = true;
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (!dirty) return;
      dirty = false;
      void service.counts().then(
        (c) => emit('tips.changed', { total: c.total, new: c.new }),
        () => undefined,
      );
    }, TIPS_EVENT_INTERVAL_MS);
  };
  const service = tipService(services.store.db, now, () => {
    changed();
    void pump();
  });
  const intake = createIntake({
    db: services.store.db,
    settings: services.settings,
    now,
    onCommitted: (e: IntakeEffects) => {
      if (e.subscribers.length > 0) services.registry.notifyChanged(e.subscribers);
      if (e.tips > 0) changed();
      if (e.answers > 0) void pump();
      // --- surveys --- answers (and non-answers) of an open survey: its tally moved.
      if ((e.surveys ?? 0) > 0) hooks.surveys?.();
    },
  });
  let replies: ReplyPump | null = null;
  const pump = async () => {
    if (!replies) return [];
    return replies.pump().catch((e: Error) => {
      logFor('tips').warn(`tips: answers not handed to the engine yet (${e.message})`);
      return [];
    });
  };
  return {
    intake,
    service,
    inbound: (gateway, message) => intake.take(gateway, message),
    attach(s) {
      sender = s;
      if (sender) {
        const current = sender;
        replies = replyPump(services.store.db, () => current.engine, () => ({ names: [...current.gateways.keys()], primary: current.primaryName() }));
        // Answers recorded while no engine ran (the CLI, a crash) go now, then every few seconds.
        void pump();
        pumpTimer = setInterval(() => void pump(), 5_000);
      }
      sweepTimer = setInterval(() => {
        void intake.sweep().then(
          (r) => {
            if (r.partial + r.deleted > 0) changed();
          },
          (e: Error) => logFor('tips').warn(`tips: housekeeping failed (${e.message})`),
        );
      }, 30_000);
    },
    pump,
    async close() {
      if (timer) clearTimeout(timer);
      if (sweepTimer) clearInterval(sweepTimer);
      if (pumpTimer) clearInterval(pumpTimer);
      await intake.close();
    },
  };
}
