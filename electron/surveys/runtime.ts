/**
 * Surveys as a running console holds them: the service, the pump that hands sent surveys to
 * the dispatch engine (at start, after a send is asked for, and every few seconds, so one asked
 * for while no gateway was up goes when one is), and one aggregated 'surveys.changed' event at
 * most every quarter second however fast answers arrive.
 */
import type { Sender } from '../sending/sender';
import { logFor } from '../log';
import type { Services } from '../services';
import { surveyService } from './service';
import type { SurveyService } from './service';

export interface Surveys {
  service: SurveyService;
  /** Answers arrived or a survey changed: the event goes out, aggregated. */
  changed(): void;
  attach(sender: Sender | null): void;
  pump(): Promise<number[]>;
  close(): void;
}

export const SURVEYS_EVENT_INTERVAL_MS = 250;

export function createSurveys(services: Services): Surveys {
  const service = surveyService(services.store.db, () => services.now());
  let timer: NodeJS.Timeout | null = null;
  let pumpTimer: NodeJS.Timeout | null = null;
  let sender: Sender | null = null;
  const changed = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      services.emit('surveys.changed', {});
    }, SURVEYS_EVENT_INTERVAL_MS);
  };
  const pump = async (): Promise<number[]> => {
    if (!sender) return [];
    try {
      const started = await service.pump(sender.engine, sender.primaryName());
      if (started.length > 0) changed();
      return started;
    } catch (e) {
      logFor('surveys').warn(`surveys: not handed to the engine yet (${(e as Error).message})`);
      return [];
    }
  };
  return {
    service,
    changed,
    attach(s) {
      sender = s;
      if (!sender) return;
      void pump();
      pumpTimer = setInterval(() => void pump(), 5_000);
    },
    pump,
    close() {
      if (timer) clearTimeout(timer);
      if (pumpTimer) clearInterval(pumpTimer);
    },
  };
}
