/**
 * The main thread's side of the parse worker (worker.ts): it forwards untrusted text there
 * and gets back what was read, checked and validated, so this thread only moves strings and
 * small pages. The worker starts on the first request, is ref'd only while a request is out
 * (it never keeps a CLI run alive), and a worker that dies is started afresh on the next
 * request; what it held (an open import) is gone and the request says so.
 */
import { bundledWorkerPath } from '../worker-path';
import { Worker } from 'node:worker_threads';
import { TrykError } from '../../shared/bridge/result';
import type { ErrorCode } from '../../shared/bridge/result';
import type { ValidationSummary } from '../../shared/registry/import';
import type { SubscriberInput } from '../../shared/registry/subscriber';
import type { ImportFormat } from '../registry/reader';
import type { BoundaryKind } from '../../shared/bridge/contract';
import type { CapRead, DistrictText, Envelope, ParseRequest, ParseResults, Reply } from './protocol';

export const defaultParseWorkerPath = (): string => bundledWorkerPath('parse', 'parse worker');

/** An import the worker is reading: parts go in as they arrive, pages of good rows come out. */
export interface ImportJob {
  readonly id: number;
  push(text: string): Promise<void>;
  end(): Promise<ValidationSummary>;
  page(from: number, count: number): Promise<SubscriberInput[]>;
  drop(): void;
}

export class ParseClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private nextId = 1;
  private nextJob = 1;

  constructor(private readonly workerPath?: string) {}

  private spawn(): Worker {
    const w = new Worker(this.workerPath ?? defaultParseWorkerPath());
    w.unref();
    w.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new TrykError(reply.code as ErrorCode, reply.message, reply.details));
    });
    const died = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      const lost = [...this.pending.values()];
      this.pending.clear();
      for (const p of lost) p.reject(new TrykError('unavailable', `The file checker stopped (${why}); try again`));
    };
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => died(`exit ${code}`));
    return (this.worker = w);
  }

  private request<K extends ParseRequest['type']>(req: Extract<ParseRequest, { type: K }>, transfer: ArrayBuffer[] = []): Promise<ParseResults[K]> {
    const w = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<ParseResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref();
      const envelope: Envelope = { id, ...req };
      w.postMessage(envelope, transfer);
    });
  }

  /** Our CAP reader and the area checks, off this thread. */
  readCap(xml: string): Promise<CapRead> {
    return this.request({ type: 'cap', xml });
  }

  /** A downloaded boundary file (its bytes are moved to the worker, not copied), parsed there. */
  readBoundaries(bytes: Uint8Array, name: string, kind: BoundaryKind): Promise<ParseResults['boundaries']> {
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
    return this.request({ type: 'boundaries', bytes: own, name, kind }, [own]);
  }

  async beginImport(opts: { format: ImportFormat; name: string; groups: string[]; district: DistrictText | null }): Promise<ImportJob> {
    const job = this.nextJob++;
    await this.request({ type: 'import.begin', job, ...opts });
    return {
      id: job,
      push: async (text) => {
        await this.request({ type: 'import.part', job, text });
      },
      end: () => this.request({ type: 'import.end', job }),
      page: (from, count) => this.request({ type: 'import.page', job, from, count }),
      drop: () => {
        if (this.worker) void this.request({ type: 'import.drop', job }).catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
