import { analyzeSms } from '../../shared/sms';
import type { Command } from './command';
import { UsageError } from './command';

export const smsAnalyzeCommand: Command = {
  name: 'sms analyze',
  summary: 'the SMS facts of a text: encoding, characters, parts, and the characters that force UCS-2',
  usage: 'tryk sms analyze TEXT [--json]',
  options: {},
  async run(ctx) {
    if (ctx.positionals.length !== 1) throw new UsageError('give the text as one argument (quote it)');
    const a = analyzeSms(ctx.positionals[0]!);
    const offending = a.offending.map(
      (o) => `  position ${o.index}: U+${o.codePoint.toString(16).toUpperCase().padStart(4, '0')} ${JSON.stringify(o.char)}${o.suggestion !== null ? ` → ${JSON.stringify(o.suggestion)}` : ' (no GSM-7 replacement)'}`,
    );
    return {
      text: [
        `${a.encoding}: ${a.characters} characters, ${a.units} ${a.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units'}, ${a.segments} part${a.segments === 1 ? '' : 's'} (${a.unitsPerSegment} per part, ${a.remainingInSegment} left in the last)`,
        ...(offending.length ? ['Characters that force UCS-2:', ...offending] : []),
      ].join('\n'),
      json: a,
    };
  },
};
