/**
 * The main thread's side of the PDF worker (pdfWorker.ts): the one way to make a report PDF,
 * for the console's download (reports.alertPdf / reports.periodPdf) and the CLI's
 * `tryk report … --out`. It caps the report's lists (pdfProtocol.ts), posts the plain data
 * and gets the bytes back; this thread never loads pdfkit. Like the parse client, the worker
 * starts on the first request and is ref'd only while a request is out (it never keeps a CLI
 * run alive); a worker that dies, or takes longer than the time limit, fails the requests it
 * held with a clear message and the next request starts a fresh one. close() ends it (the
 * console's app.close, after each CLI command).
 */
import { bundledWorkerPath } from '../worker-path';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TrykError } from '../../shared/bridge/result';
import type { ErrorCode } from '../../shared/bridge/result';
import type { ReportLang } from '../../shared/reports/format';
import type { AlertReport, EvaluationReport } from '../../shared/reports/schema';
import { capAlertReport, capPeriodReport } from './pdfProtocol';
import type { PdfEnvelope, PdfReply, PdfRequest, PdfWorkerData } from './pdfProtocol';

export const defaultPdfWorkerPath = (): string => bundledWorkerPath('pdf', 'PDF worker');

/**
 * A render that takes longer than this is stopped (the worker with it): far beyond a capped
 * report (seconds), and under the 60 s the screen waits for the answer.
 */
export const PDF_TIME_LIMIT_MS = 50_000;

/** The worker's heap limit: dying of it is a clear error, not a host out of memory. */
export const PDF_MAX_HEAP_MB = 512;

export class PdfClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(v: Buffer): void; reject(e: unknown): void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  /** Workers started so far (a test sees a fresh one after a crash). */
  starts = 0;

  constructor(private readonly opts: { workerPath?: string; timeLimitMs?: number; maxHeapMb?: number } = {}) {}

  /** The running worker's thread id, or null (for tests that stop it). */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  private spawn(): Worker {
    const path = this.opts.workerPath ?? defaultPdfWorkerPath();
    const data: PdfWorkerData = { fontDir: join(dirname(path), 'fonts') };
    // A PDF of capped lists needs some tens of MB; the limit keeps a runaway render from taking the host's memory.
    const w = new Worker(path, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb ?? PDF_MAX_HEAP_MB } });
    this.starts++;
    w.unref();
    w.on('message', (reply: PdfReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      clearTimeout(p.timer);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve(Buffer.from(reply.pdf));
      else p.reject(new TrykError(reply.code as ErrorCode, reply.message));
    });
    const died = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.failAll(`The PDF maker stopped (${why}) before the report was finished; try again`, 'stopped');
    };
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => died(`exit ${code}`));
    return (this.worker = w);
  }

  /** `pdf` in the error's details tells the screen which of its messages to show. */
  private failAll(message: string, pdf: 'stopped' | 'time_limit' | 'closing') {
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) {
      clearTimeout(p.timer);
      p.reject(new TrykError('unavailable', message, { pdf }));
    }
  }

  private request(req: PdfRequest): Promise<Buffer> {
    const w = this.worker ?? this.spawn();
    const id = this.nextId++;
    const limit = this.opts.timeLimitMs ?? PDF_TIME_LIMIT_MS;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Stop the worker (a fresh one serves the next request) and fail what it held.
        if (this.worker === w) this.worker = null;
        this.failAll(`The PDF took longer than ${Math.round(limit / 1000)} s and was stopped; try a shorter period`, 'time_limit');
        void w.terminate();
      }, limit);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      w.ref();
      const envelope: PdfEnvelope = { id, ...req };
      w.postMessage(envelope);
    });
  }

  /** The after-action report as PDF. */
  alertPdf(report: AlertReport, lang: ReportLang = 'da'): Promise<Buffer> {
    return this.request({ type: 'alert', lang, ...capAlertReport(report) });
  }

  /** The period (evaluation) report as PDF. */
  periodPdf(report: EvaluationReport, lang: ReportLang = 'da'): Promise<Buffer> {
    return this.request({ type: 'period', lang, ...capPeriodReport(report) });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.failAll('The console is closing: the PDF was not made', 'closing');
    if (w) await w.terminate();
  }
}
