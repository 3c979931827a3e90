/**
 * The main process's one logger (pino), for the desktop app, the headless host and the CLI's
 * services alike. Lines are JSON on stderr: stdout belongs to the CLI's own output (`--json`).
 * The level comes from TRYK_LOG_LEVEL (trace … fatal, silent); without it, info, or silent under
 * vitest so tests stay quiet.
 *
 * Phone numbers never reach a line, by two rules: fields that hold one are censored by path
 * (`phone`, `msisdn`, …, at the top or one level down), and every E.164-like digit run left in
 * any string of the finished line (the message, an error's message, any other field) is masked
 * with the one pattern in shared/phone. Numeric JSON values (the time) are left alone.
 */
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { maskPhonesInText } from '../shared/phone';

export type Log = Logger;

const PHONE_FIELDS = ['phone', 'phones', 'msisdn', 'recipient', 'sender', 'tipster', 'source_addr', 'destination_addr'];
const REDACT_PATHS = [...PHONE_FIELDS, ...PHONE_FIELDS.map((f) => `*.${f}`)];
const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** A JSON string literal, escapes included: only inside these are digit runs masked. */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;
const maskLine = (line: string) => line.replace(JSON_STRING, (literal) => maskPhonesInText(literal));

export interface LogOptions {
  /** Defaults to TRYK_LOG_LEVEL, else info (silent under vitest). */
  level?: string;
  /** Where the lines go; stderr by default. */
  destination?: DestinationStream;
}

function levelFromEnv(): string {
  const wanted = process.env.TRYK_LOG_LEVEL?.trim().toLowerCase();
  if (wanted && LEVELS.has(wanted)) return wanted;
  return process.env.VITEST ? 'silent' : 'info';
}

export function createLog(opts: LogOptions = {}): Log {
  return pino(
    {
      level: opts.level ?? levelFromEnv(),
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[phone]' },
      hooks: { streamWrite: maskLine },
    },
    opts.destination ?? process.stderr,
  );
}

let root: Log | undefined;

/** The process's logger for one part of it (`module` in every line). */
export function logFor(module: string): Log {
  root ??= createLog();
  return root.child({ module });
}

/**
 * A logger whose lines are handed to `print` as their plain message (redacted like any other):
 * for a CLI command or a benchmark that shows a service's warnings to the person running it.
 */
export function lineLog(print: (line: string) => void, level = 'info'): Log {
  return createLog({
    level,
    destination: { write: (line: string) => print(String((JSON.parse(line) as { msg?: unknown }).msg ?? '')) },
  });
}

/** A logger that writes nothing, for callers that must pass one and want no lines. */
export function silentLog(): Log {
  return createLog({ level: 'silent' });
}
