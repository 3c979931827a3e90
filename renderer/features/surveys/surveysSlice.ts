/**
 * The Undersøgelser screen's state: the surveys and the panel's size, the one the officer
 * opened with its tally (live: reloaded on the host's aggregated 'surveys.changed' event), and
 * the four-eyes steps (approve, send, close). Every figure comes from the host.
 */
import type { RequestOf } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { SurveyResults, SurveySummary } from '../../../shared/surveys/schema';
import type { SliceCreator } from '../../store';

export interface SurveysSlice {
  surveys: { status: 'idle' | 'loading' | 'ready' | 'failed'; list: SurveySummary[]; panel: number; error: BridgeError | null };
  surveyOpen: { id: number | null; results: SurveyResults | null; error: BridgeError | null };
  surveyAction: { busy: boolean; error: BridgeError | null };
  /** Loads and follows the surveys (and the open one's tally); returns the unsubscribe. */
  watchSurveys(): () => void;
  openSurvey(id: number | null): Promise<void>;
  createSurvey(draft: RequestOf<'surveys.create'>): Promise<number | null>;
  surveyStep(step: 'approve' | 'send' | 'close', id: number): Promise<boolean>;
}

export const createSurveysSlice: SliceCreator<SurveysSlice> = (set, get, { bridge }) => {
  let latestList = 0;
  let latestOpen = 0;
  const loadList = async () => {
    const mine = ++latestList;
    if (get().surveys.status === 'idle') set({ surveys: { ...get().surveys, status: 'loading' } });
    const r = await bridge.invoke('surveys.list', {});
    if (mine !== latestList) return;
    set({ surveys: r.ok ? { status: 'ready', list: r.value.surveys, panel: r.value.panel, error: null } : { ...get().surveys, status: 'failed', error: r.error } });
  };
  const loadOpen = async () => {
    const id = get().surveyOpen.id;
    if (id === null) return;
    const mine = ++latestOpen;
    const r = await bridge.invoke('surveys.results', { id });
    if (mine !== latestOpen || get().surveyOpen.id !== id) return;
    set({ surveyOpen: r.ok ? { id, results: r.value, error: null } : { ...get().surveyOpen, error: r.error } });
  };
  const reload = () => void Promise.all([loadList(), loadOpen()]);
  return {
    surveys: { status: 'idle', list: [], panel: 0, error: null },
    surveyOpen: { id: null, results: null, error: null },
    surveyAction: { busy: false, error: null },
    watchSurveys() {
      reload();
      const stopEvents = bridge.onEvent('surveys.changed', reload);
      const stopConnection = bridge.onConnectionChange((state) => {
        if (state === 'connected') reload();
      });
      return () => {
        stopEvents();
        stopConnection();
      };
    },
    async openSurvey(id) {
      set({ surveyOpen: { id, results: null, error: null }, surveyAction: { busy: false, error: null } });
      await loadOpen();
    },
    async createSurvey(draft) {
      set({ surveyAction: { busy: true, error: null } });
      const r = await bridge.invoke('surveys.create', draft);
      set({ surveyAction: { busy: false, error: r.ok ? null : r.error } });
      if (!r.ok) return null;
      await loadList();
      await get().openSurvey(r.value.id);
      return r.value.id;
    },
    async surveyStep(step, id) {
      set({ surveyAction: { busy: true, error: null } });
      const r = await bridge.invoke(step === 'approve' ? 'surveys.approve' : step === 'send' ? 'surveys.send' : 'surveys.close', { id }, { timeoutMs: 60_000 });
      set({ surveyAction: { busy: false, error: r.ok ? null : r.error } });
      reload();
      return r.ok;
    },
  };
};
