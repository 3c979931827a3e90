import { openSync, closeSync, fstatSync, readSync } from 'node:fs';
import { targetAreaFromCap } from '../../shared/cap';
import { readCap } from '../alerts/cap-schema/check';
import { TrykError } from '../../shared/bridge/result';
import type { Command } from './command';
import { UsageError } from './command';

const MAX_BYTES = 1024 * 1024;

/** Reads at most one byte more than the limit, so a huge file is refused without being loaded. */
function readCapFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new TrykError('bad_request', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new TrykError('bad_request', `${file}: not a file`);
    const buf = Buffer.alloc(MAX_BYTES + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_BYTES) throw new TrykError('too_large', `${file}: the document is larger than 1024 KiB`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, n));
    } catch {
      throw new TrykError('bad_request', `${file}: not UTF-8 text`);
    }
  } finally {
    closeSync(fd);
  }
}

export const capCheckCommand: Command = {
  name: 'cap check',
  summary: 'read a CAP 1.2 alert file and show the draft it would import as, or why it is refused',
  usage: 'tryk cap check FILE [--json]',
  options: {},
  async run(ctx) {
    const [file] = ctx.positionals;
    if (!file || ctx.positionals.length > 1) throw new UsageError('name one CAP file');
    let read;
    try {
      read = await readCap(readCapFile(file));
    } catch (e) {
      if (!(e instanceof TrykError)) throw e;
      const d = e.details as { cap?: string; schema?: string[] } | undefined;
      throw new TrykError(e.code, `${file}: ${e.message}`, { capCode: d?.cap, ...(d?.schema ? { schema: d.schema } : {}) });
    }
    const { draft } = read;
    const target = targetAreaFromCap(draft.areas);
    const lines = [
      `CAP 1.2 ${draft.msgType} ${draft.id} from ${draft.sender}, sent ${draft.sentAt} (${draft.status}, ${draft.scope})`,
      `Category ${draft.category}; urgency ${draft.urgency}, severity ${draft.severity}, certainty ${draft.certainty}`,
      ...draft.infos.map((i) => `  ${i.language}: ${i.headline}`),
      ...draft.areas.map((a) => `  area "${a.desc}": ${a.polygons.length} polygon(s), ${a.circles.length} circle(s)`),
      target.ok ? `Target area: ${target.value.parts.length} part(s)` : `No target area: ${target.message}`,
      ...read.warnings.map((w) => `warning: ${w}`),
    ];
    return {
      text: lines.join('\n'),
      json: { draft, targetArea: target.ok ? target.value : null, warnings: read.warnings },
    };
  },
};
