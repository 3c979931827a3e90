/**
 * The Evaluering screen's state: the period and narrowing the officer chose, the report the
 * host computed for it (every figure comes from electron/reports; nothing is recomputed here),
 * outcome recording and the PDF downloads.
 */
import type { ResponseOf } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { EvaluationReport, Outcome } from '../../../shared/reports/schema';
import type { SliceCreator } from '../../store';

export interface EvaluationQuery {
  from: string;
  to: string;
  district: string;
  category: string;
}

export interface PdfFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface EvaluationSlice {
  evaluationQuery: EvaluationQuery;
  evaluation: { status: 'idle' | 'loading' | 'ready' | 'failed'; report: EvaluationReport | null; error: BridgeError | null };
  districts: { code: string; name: string }[];
  outcomeSaving: { alertId: number | null; error: BridgeError | null; savedAlertId: number | null };
  pdf: { busy: string | null; error: BridgeError | null };
  setEvaluationQuery(patch: Partial<EvaluationQuery>): void;
  loadEvaluation(): Promise<void>;
  loadDistricts(): Promise<void>;
  saveOutcome(alertId: number, outcome: Outcome, tipsHelped: boolean | null, note: string): Promise<boolean>;
  /** Fetches a PDF; returns it for the screen to hand to the browser, or null (the error is in `pdf`). */
  fetchPdf(what: { alertId: number } | 'period'): Promise<PdfFile | null>;
}

const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The last twelve months to today: what a first look wants. */
export function defaultQuery(now = new Date()): EvaluationQuery {
  const from = new Date(now.getFullYear() - 1, now.getMonth(), now.getDate() + 1);
  return { from: day(from), to: day(now), district: '', category: '' };
}

function decode(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const createEvaluationSlice: SliceCreator<EvaluationSlice> = (set, get, { bridge }) => {
  const request = () => {
    const q = get().evaluationQuery;
    return {
      from: q.from,
      to: q.to,
      ...(q.district ? { district: q.district } : {}),
      ...(q.category ? { category: q.category as NonNullable<EvaluationReport['query']['category']> } : {}),
    };
  };
  let latest = 0;
  return {
    evaluationQuery: defaultQuery(),
    evaluation: { status: 'idle', report: null, error: null },
    districts: [],
    outcomeSaving: { alertId: null, error: null, savedAlertId: null },
    pdf: { busy: null, error: null },
    setEvaluationQuery: (patch) => set({ evaluationQuery: { ...get().evaluationQuery, ...patch } }),
    async loadEvaluation() {
      const mine = ++latest;
      set({ evaluation: { ...get().evaluation, status: 'loading', error: null } });
      const r = await bridge.invoke('reports.evaluation', request(), { timeoutMs: 60_000 });
      if (mine !== latest) return; // a newer request is on its way
      set({ evaluation: r.ok ? { status: 'ready', report: r.value, error: null } : { status: 'failed', report: get().evaluation.report, error: r.error } });
    },
    async loadDistricts() {
      const r = await bridge.invoke('boundaries.list', { kind: 'district' });
      if (r.ok) set({ districts: r.value.map((d) => ({ code: d.code, name: d.name })).sort((a, b) => a.name.localeCompare(b.name, 'da')) });
    },
    async saveOutcome(alertId, outcome, tipsHelped, note) {
      set({ outcomeSaving: { alertId, error: null, savedAlertId: null } });
      const r = await bridge.invoke('reports.setOutcome', { alertId, outcome, tipsHelped, note });
      if (!r.ok) {
        set({ outcomeSaving: { alertId: null, error: r.error, savedAlertId: null } });
        return false;
      }
      const report = get().evaluation.report;
      if (report) {
        // The row as the host now computes it; the period's totals follow on the next load.
        set({ evaluation: { ...get().evaluation, report: { ...report, perAlert: report.perAlert.map((a) => (a.id === alertId ? r.value : a)) } } });
      }
      set({ outcomeSaving: { alertId: null, error: null, savedAlertId: alertId } });
      void get().loadEvaluation();
      return true;
    },
    async fetchPdf(what) {
      const key = what === 'period' ? 'period' : `alert:${what.alertId}`;
      set({ pdf: { busy: key, error: null } });
      const r: { ok: true; value: ResponseOf<'reports.alertPdf'> } | { ok: false; error: BridgeError } =
        what === 'period'
          ? await bridge.invoke('reports.periodPdf', { ...request(), lang: get().language }, { timeoutMs: 60_000 })
          : await bridge.invoke('reports.alertPdf', { id: what.alertId, lang: get().language }, { timeoutMs: 60_000 });
      if (!r.ok) {
        set({ pdf: { busy: null, error: r.error } });
        return null;
      }
      set({ pdf: { busy: null, error: null } });
      return { fileName: r.value.fileName, bytes: decode(r.value.base64) };
    },
  };
};
