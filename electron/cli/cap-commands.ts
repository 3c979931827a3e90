import { readBoundedText } from './read-file';
import { readCap } from '../alerts/cap-schema/check';
import { ParseClient } from '../parse/client';
import { TrykError } from '../../shared/bridge/result';
import type { Command } from './command';
import { UsageError } from './command';

const readCapFile = (file: string) => readBoundedText(file, 'cap');

export const capCheckCommand: Command = {
  name: 'cap check',
  summary: 'read a CAP 1.2 alert file and show the draft it would import as, or why it is refused',
  usage: 'tryk cap check FILE [--json]',
  options: {},
  async run(ctx) {
    const [file] = ctx.positionals;
    if (!file || ctx.positionals.length > 1) throw new UsageError('name one CAP file');
    let read;
    const parse = new ParseClient();
    try {
      read = await readCap(readCapFile(file), parse);
    } catch (e) {
      if (!(e instanceof TrykError)) throw e;
      const d = e.details as { cap?: string; schema?: string[] } | undefined;
      throw new TrykError(e.code, `${file}: ${e.message}`, { capCode: d?.cap, ...(d?.schema ? { schema: d.schema } : {}) });
    } finally {
      await parse.close();
    }
    const { draft } = read;
    const target = read.area;
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
