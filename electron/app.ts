/**
 * The running console: the service graph (`services.ts`), every domain's bridge handlers, the
 * dispatcher over them and, when this host sends, the sender. Only wiring lives here: each
 * domain's handlers are in its own folder. Electron's main.ts and the headless host start it.
 */
import type { EventName } from '../shared/bridge/contract';
import { alertHandlers } from './alerts/handlers';
import { appendAudit } from './audit/service';
import { boundaryHandlers } from './boundaries/handlers';
import { createDispatcher } from './bridge/dispatcher';
import type { Dispatch, Handlers } from './bridge/dispatcher';
import { gatewayHandlers } from './gateways/handlers';
import { logFor } from './log';
import type { Log } from './log';
import { sessionHandlers } from './officers/handlers';
import { subscriberHandlers } from './registry/handlers';
import { reportHandlers } from './reports/handlers';
import { warmSendFigures } from './reports/figures';
import { dispatchHandlers } from './sending/handlers';
import { startSender } from './sending/sender';
import type { Sender } from './sending/sender';
import { createServices } from './services';
import type { EventListener, ServiceOptions, Services } from './services';
import { targetingHandlers } from './targeting/handlers';
import { testSmsHandlers } from './alerts/test-sms';
// --- tips ---
import { tipHandlers } from './tips/handlers';
import { createTips } from './tips/runtime';
import type { Tips } from './tips/runtime';
import { tipService } from './tips/service';
// --- social ---
import { socialHandlers } from './social/handlers';
import { areaPictureFor } from './social/picture';
import { startSocialRunner } from './social/service';
import type { SocialRunner } from './social/service';
// --- surveys ---
import { surveyHandlers } from './surveys/handlers';
import { createSurveys } from './surveys/runtime';
import type { Surveys } from './surveys/runtime';

export interface App {
  dispatch: Dispatch;
  services: Services;
  /** The gateways and dispatch engine, when this console sends (not in the CLI's short runs). */
  sender: Sender | null;
  /** The inbound pipeline: intake, tip inbox, answers to citizens. */
  tips: Tips;
  /** Facebook and X posting and reach polling, when this console sends. */
  social: SocialRunner | null;
  /** Surveys of the citizen panel: service, pump to the engine, live tally events. */
  surveys: Surveys;
  /** Every bridge event; returns the function that stops listening. */
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
  emit: EventListener;
  close(): Promise<void>;
}

export interface AppOptions extends ServiceOptions {
  /** The bridge's log (refused calls, failures); the process's logger by default. */
  log?: Log;
  /** false: no gateways are connected and nothing is sent (tests of other parts). */
  sending?: boolean;
}

/** Every bridge channel's handler, each domain's from its own folder. */
export function handlersFor(
  services: Services,
  sender: () => Sender | null = () => null,
  tips: () => Tips | null = () => null,
  surveys: () => Surveys | null = () => null,
): Handlers {
  const plainTips = tipService(services.store.db, services.now);
  const plainSurveys = createSurveys(services);
  return {
    'app.status': { passive: true, handle: () => services.status() },
    ...sessionHandlers(services),
    ...boundaryHandlers(services),
    ...targetingHandlers(services),
    ...alertHandlers(services),
    ...dispatchHandlers(services, sender),
    ...gatewayHandlers(services),
    ...subscriberHandlers(services),
    ...testSmsHandlers(services, sender),
    ...tipHandlers(services, () => tips()?.service ?? plainTips),
    // --- evaluation ---
    ...reportHandlers(services),
    // --- social ---
    ...socialHandlers(services.store.db, services.now),
    // --- surveys ---
    ...surveyHandlers(services, () => surveys() ?? plainSurveys),
  };
}

export async function startApp(opts: AppOptions): Promise<App> {
  const services = createServices(opts);
  await services.targeting(); // the first count must be instant, so the index is built before the window opens
  services.registry.onChange(() => {
    // Told once the change has reached the targeting worker (its listener was added first), so
    // the count a screen asks for on this event already includes it: an SMS opt-out or
    // sign-up moves the map's count at once.
    void services.liveTargeting
      .applied()
      .then(() => services.registry.counts())
      .then((c) => services.emit('subscribers.changed', { total: c.total }))
      // A console closed while a big import's change was still reaching the index: nothing to tell.
      .catch((e: unknown) => {
        if (!services.store.db.isClosed) logFor('registry').warn(`registry: counts after a change failed: ${e instanceof Error ? e.message : String(e)}`);
      });
  });
  const idleLockMs = (await services.settings.get('security.idleLockMinutes')) * 60_000;
  const surveys = createSurveys(services);
  const tips = createTips(services, { surveys: () => surveys.changed() });
  const sender = opts.sending === false ? null : await startSender({ services, inbound: tips.inbound });
  if (sender) {
    services.liveGatewayStates = sender.gatewayStates;
    services.liveGatewayProblems = sender.gatewayProblems;
  }
  tips.attach(sender);
  surveys.attach(sender);
  // --- evaluation --- finished sends' figures kept ahead of the first report (seconds at most, in steps).
  void warmSendFigures(services.store.db).catch(() => undefined);
  // --- social ---
  const social =
    opts.sending === false
      ? null
      : startSocialRunner({
          db: services.store.db,
          now: services.now,
          onChange: (alertIds) => services.emit('social.changed', { alertIds }),
          imageFor: (alertId) => areaPictureFor(services, alertId),
          // Comments and replies under our posts are tips, in the same inbox as the SMS ones.
          toInbox: async (c) =>
            void (await tips.intake.takeSocial({ channel: c.channel, externalId: c.externalId, sender: c.author, text: c.text, receivedAt: c.receivedAt, alertId: c.alertId })),
        });
  return {
    tips,
    dispatch: createDispatcher(handlersFor(services, () => sender, () => tips, () => surveys), opts.log, {
      idleLockMs: () => idleLockMs,
      // --- harden: the idle lock is a sign-out the officer did not ask for: audited ---
      onIdleLock: (officer, caller) =>
        services.store.db.transaction(async (tx) => {
          await appendAudit(tx, { at: new Date(), officer: officer.username, action: 'lock', subject: 'session', details: { host: caller.host, reason: 'idle' } });
        }),
    }),
    services,
    sender,
    social,
    surveys,
    subscribe: services.subscribe,
    emit: services.emit,
    async close() {
      await social?.close();
      await sender?.close();
      await tips.close();
      surveys.close();
      await services.liveTargeting.close();
      await services.parse.close();
      await services.pdf.close();
      await opts.store.close();
    },
  };
}
