/**
 * Sending, as the running console does it: the configured gateways connected (and
 * reconnected), the dispatch engine over them, and approved alerts released into it as soon
 * as their gateway can take them ("send when online"). The renderer hears aggregated
 * progress; inbound messages are stored for the tip inbox.
 */
import type { GatewaySummary } from '../../shared/bridge/contract';
import { TrykError } from '../../shared/bridge/result';
import { createDispatchEngine } from '../dispatch/engine';
import type { DispatchEngine, SendStatus } from '../dispatch/engine';
import type { Gateway, InboundSms, SubmitOutcome } from '../gateways/gateway';
import { createIntake } from '../tips/intake';
import type { GatewayConfig } from '../config/gateways';
import { createGateway } from '../gateways/registry';
import { logFor } from '../log';
import type { Log } from '../log';
import type { Services } from '../services';

export interface Sender {
  engine: DispatchEngine;
  /** Connection state per configured gateway, for the status bar. */
  gatewayStates(): Map<string, GatewaySummary['state']>;
  /** Gateways refusing every message, in their own words (the engine paused their sends). */
  gatewayProblems(): Map<string, { code: string; reason: string }>;
  /** Releases every approved alert whose gateway is connected; returns the send ids started. */
  releaseApproved(): Promise<number[]>;
  /**
   * One SMS outside any send (a test to an officer's own phone): straight to the primary
   * gateway, never into the outbox, so it is in no send's funnel or count.
   */
  sendOne(to: string, text: string): Promise<{ gateway: string; outcome: SubmitOutcome }>;
  close(): Promise<void>;
  /** The connected gateways by name (the reply pump sends through the one a message came in on). */
  gateways: ReadonlyMap<string, Gateway>;
  primaryName(): string | null;
}

export interface SenderOptions {
  services: Services;
  /** How often approved alerts waiting for a gateway are looked at again. */
  releaseEveryMs?: number;
  /** Send through this gateway instead of the configured primary. */
  primary?: string;
  /** Release only these alerts (a CLI send must not release other approved alerts). */
  only?: readonly number[];
  log?: Log;
  /**
   * Takes every inbound message; the gateway acknowledges it once this resolves (committed).
   * Default: the tip intake over the same store, without events.
   */
  inbound?: (gateway: string, message: InboundSms) => Promise<void>;
}

/** Validity of an alert SMS: after this long undelivered messages expire at the SMSC. */
export const ALERT_VALIDITY_MINUTES = 240;

export async function startSender(opts: SenderOptions): Promise<Sender> {
  const { services } = opts;
  const { emit } = services;
  const log = opts.log ?? logFor('sending');
  // Not const: a gateway removed while the console runs leaves this list (and is closed) at once.
  let configured = (await services.gateways.list()).filter((g) => g.enabled);
  const gateways = new Map<string, Gateway>();
  const states = new Map<string, GatewaySummary['state']>();
  for (const g of (await services.gateways.list()).filter((x) => !x.enabled)) states.set(g.name, 'disabled');
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const ownIntake = opts.inbound ? null : createIntake({ db: services.store.db, settings: services.settings });
  const inbound = opts.inbound ?? ((name: string, m: InboundSms) => ownIntake!.take(name, m));
  // Gateways may connect before the engine has started; releasing waits for it.
  let engine: DispatchEngine | null = null;
  let releasing: Promise<number[]> | null = null;
  const statusChanged = () => void services.status().then((s) => emit('app.statusChanged', s), () => undefined);

  /** Creates, wires and starts connecting one configured gateway; null when its URL is unusable. */
  const startGateway = (g: GatewayConfig): Gateway | null => {
    let gateway: Gateway;
    try {
      gateway = createGateway(g.url);
    } catch (e) {
      log.warn(`gateway ${g.name}: not usable (${(e as { code?: string }).code ?? 'bad configuration'})`);
      states.set(g.name, 'disconnected');
      return null;
    }
    gateways.set(g.name, gateway);
    states.set(g.name, 'connecting');
    gateway.onState(({ state }) => {
      if (gateways.get(g.name) !== gateway) return;
      states.set(g.name, state);
      statusChanged();
      if (state === 'connected') void releaseApproved();
    });
    gateway.onInbound((m) => inbound(g.name, m));
    // A gateway that is down at start-up is tried again until it answers; the rest of the
    // console works meanwhile, and approved alerts wait for it.
    const connect = async (delayMs: number) => {
      if (gateways.get(g.name) !== gateway) return; // removed meanwhile
      try {
        await gateway.connect();
        if (gateways.get(g.name) !== gateway) return void gateway.close().catch(() => undefined);
        states.set(g.name, 'connected');
        statusChanged();
        void releaseApproved();
      } catch (e) {
        states.set(g.name, 'disconnected');
        statusChanged();
        log.warn(`gateway ${g.name}: could not connect (${(e as { code?: string }).code ?? 'error'}); trying again`);
        if (closed || gateways.get(g.name) !== gateway) return;
        const t = setTimeout(() => {
          timers.delete(t);
          void connect(Math.min(delayMs * 2, 60_000));
        }, delayMs);
        timers.add(t);
      }
    };
    void connect(2_000);
    return gateway;
  };
  for (const g of configured) startGateway(g);

  const { alerts } = services;
  let problems = 0;
  const onProgress = (s: SendStatus) => {
    emit('dispatch.progress', s);
    // A gateway that started or stopped refusing everything changes the status bar too.
    const now = engine?.gatewayProblems().size ?? 0;
    if (now !== problems) {
      problems = now;
      statusChanged();
    }
    const m = s.alertRef?.match(/^alert:(\d+)$/);
    if (!m) return;
    const id = Number(m[1]);
    // The alert follows its send; a repeated move is refused by the service and ignored here.
    if (s.state === 'sending') void alerts.markSending(id).catch(() => undefined);
    if (s.state === 'done') void alerts.markSent(id).catch(() => undefined);
  };
  const started = createDispatchEngine({ db: services.store.db, gateways, events: onProgress, log });
  await started.start();
  engine = started;

  if (opts.primary && !configured.some((g) => g.name === opts.primary)) {
    await started.close();
    await Promise.all([...gateways.values()].map((g) => g.close().catch(() => undefined)));
    for (const t of timers) clearTimeout(t);
    throw new TrykError('not_found', `No enabled gateway called ${opts.primary}`);
  }
  const primary = () => (opts.primary ? configured.find((g) => g.name === opts.primary) : undefined) ?? configured.find((g) => g.primary) ?? configured[0];
  const fallback = () => configured.find((g) => !g.primary && g !== primary())?.name ?? null;
  async function releaseApproved(): Promise<number[]> {
    // One pass at a time: two passes could release the same alert twice.
    if (releasing) return releasing;
    const e = engine;
    if (!e || closed) return [];
    releasing = (async () => {
      const p = primary();
      if (!p || states.get(p.name) !== 'connected') return [];
      const started: number[] = [];
      // A crash between freezing the recipients and the engine taking the send leaves an
      // alert 'scheduled' with no send: it goes now, from its frozen list.
      const orphans = await services.store.db.all<{ id: number }>(
        "SELECT id FROM alerts WHERE status = 'scheduled' AND NOT EXISTS (SELECT 1 FROM sends WHERE alert_ref = 'alert:' || alerts.id)",
      );
      const mine = (id: number) => !opts.only || opts.only.includes(id);
      const plans = [
        ...(await Promise.all(orphans.filter((o) => mine(o.id)).map((o) => alerts.resumePlan(o.id)))),
        ...(await Promise.all((await alerts.releasable()).filter(mine).map((id) => alerts.release(id)))),
      ];
      for (const plan of plans) {
        const r = await e.release({
          alertRef: plan.alertRef,
          text: plan.text,
          ...(plan.languageTexts ? { languageTexts: plan.languageTexts } : {}),
          recipients: plan.recipients,
          priority: plan.priority,
          respectQuietHours: plan.respectQuietHours,
          validityMinutes: plan.validityMinutes ?? ALERT_VALIDITY_MINUTES,
          primary: p.name,
          fallback: fallback(),
        });
        started.push(r.sendId);
        log.info(`alert ${plan.alertId}: released as send ${r.sendId} to ${r.recipients} recipients`);
      }
      return started;
    })().finally(() => {
      releasing = null;
    });
    return releasing;
  }
  // A removed gateway is closed at once: no bind stays open to an SMSC the admin took out.
  const dropGateway = (name: string) => {
    const gateway = gateways.get(name);
    configured = configured.filter((g) => g.name !== name);
    gateways.delete(name);
    states.delete(name);
    if (gateway) {
      void gateway.close().then(
        () => log.info(`gateway ${name}: removed, connection closed`),
        () => undefined,
      );
    }
    statusChanged();
  };
  const stopRemoved = services.gateways.onRemoved(dropGateway);
  // New settings: a new connector takes the gateway's lane at once, and the old one is closed.
  const reconnectGateway = async (name: string) => {
    const g = (await services.gateways.list()).find((x) => x.name === name);
    if (!g || !g.enabled || closed) return;
    configured = configured.some((c) => c.name === name) ? configured.map((c) => (c.name === name ? g : c)) : [...configured, g];
    const old = gateways.get(name);
    gateways.delete(name);
    const fresh = startGateway(g);
    if (fresh) engine?.replaceGateway(name, fresh);
    if (old) {
      void old.close().then(
        () => log.info(`gateway ${name}: settings changed, old connection closed`),
        () => undefined,
      );
    }
    statusChanged();
  };
  const stopUpdated = services.gateways.onUpdated((name) => void reconnectGateway(name).catch((e: unknown) => log.warn({ err: e }, `gateway ${name}: could not reconnect`)));
  // Removed by another process on the same store (`tryk gateway remove`): noticed on the next tick.
  const dropRemovedElsewhere = async () => {
    if (gateways.size === 0) return;
    const names = new Set((await services.store.db.all<{ name: string }>('SELECT name FROM gateways')).map((g) => g.name));
    for (const name of [...gateways.keys()]) if (!names.has(name)) dropGateway(name);
  };
  const tick = setInterval(
    () =>
      void dropRemovedElsewhere()
        .then(() => releaseApproved())
        .catch((e) => log.warn(`release failed: ${(e as Error).message}`)),
    opts.releaseEveryMs ?? 2_000,
  );
  timers.add(tick);

  void releaseApproved();
  return {
    engine: started,
    gatewayStates: () => states,
    gatewayProblems: () => started.gatewayProblems(),
    releaseApproved,
    async sendOne(to, text) {
      const p = primary();
      const gateway = p ? gateways.get(p.name) : undefined;
      if (!p || !gateway || states.get(p.name) !== 'connected') {
        throw new TrykError('unavailable', 'The primary gateway is not connected: the test cannot be sent now', { reason: 'gateway_offline' });
      }
      const outcome = await gateway.submit({ ref: `test:${Date.now()}`, to, text, priority: 'urgent', validityMinutes: 60 });
      return { gateway: p.name, outcome };
    },
    async close() {
      closed = true;
      stopRemoved();
      stopUpdated();
      for (const t of timers) clearTimeout(t);
      await releasing?.catch(() => undefined);
      await started.close();
      await Promise.all([...gateways.values()].map((g) => g.close().catch(() => undefined)));
      await ownIntake?.close();
    },
    gateways,
    primaryName: () => primary()?.name ?? null,
  };
}
