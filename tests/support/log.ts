import { createLog } from '../../electron/log';
import type { Log } from '../../electron/log';

/** A real logger (same redaction as the product's) whose lines a test can read back. */
export function memoryLog(level = 'debug'): { log: Log; lines: string[]; entries: () => Record<string, unknown>[]; messages: () => string[] } {
  const lines: string[] = [];
  const log = createLog({ level, destination: { write: (line: string) => void lines.push(line) } });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, entries, messages: () => entries().map((e) => String(e.msg)) };
}
