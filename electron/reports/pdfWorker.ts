/**
 * The PDF worker: renders the after-action and period reports (pdf.ts, pdfkit with DejaVu Sans
 * embedded) off the main thread. A PDF took 0.9–2.9 s of the main thread (issue 9), holding
 * the bridge, sends and receipts for as long. The main thread gathers the figures from the
 * store (async SQL) and posts the plain, capped report (pdfProtocol.ts); the bytes come back
 * as a transferred ArrayBuffer.
 *
 * Bundled on its own (build/worker.mjs → dist/worker/pdf.cjs) with pdfkit inside, like the
 * targeting and parse workers; the fonts are copied beside it (dist/worker/fonts/).
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { TrykError } from '../../shared/bridge/result';
import { renderAlertPdf, renderPeriodPdf } from './pdf';
import type { PdfEnvelope, PdfReply, PdfWorkerData } from './pdfProtocol';

const port = parentPort;
if (!port) throw new Error('electron/reports/pdfWorker.ts runs only as a worker thread');
const { fontDir } = workerData as PdfWorkerData;
const fonts = { regular: join(fontDir, 'DejaVuSans.ttf'), bold: join(fontDir, 'DejaVuSans-Bold.ttf') };

async function render(msg: PdfEnvelope): Promise<Buffer> {
  switch (msg.type) {
    case 'alert':
      return renderAlertPdf(msg.report, msg.lang, fonts, msg.totals);
    case 'period':
      return renderPeriodPdf(msg.report, msg.lang, fonts, msg.totals);
  }
}

port.on('message', (msg: PdfEnvelope) => {
  render(msg).then(
    (pdf) => {
      // A fresh ArrayBuffer holding exactly the PDF, handed over without a copy.
      const bytes = new Uint8Array(pdf.length);
      bytes.set(pdf);
      const reply: PdfReply = { id: msg.id, ok: true, pdf: bytes.buffer };
      port.postMessage(reply, [bytes.buffer]);
    },
    (e: unknown) => {
      const reply: PdfReply =
        e instanceof TrykError ? { id: msg.id, ok: false, code: e.code, message: e.message } : { id: msg.id, ok: false, code: 'internal', message: `PDF worker: ${(e as Error).message}` };
      port.postMessage(reply);
    },
  );
});
