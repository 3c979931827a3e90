import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  dataDir: string;
  json: boolean;
  env: NodeJS.ProcessEnv;
  /** Progress for people; silent with --json. Goes to stderr so stdout stays the result. */
  progress(line: string): void;
}

/** What a command prints: `text` for people, `json` with --json. */
export interface Output {
  text: string;
  json: unknown;
}

export interface Command {
  /** e.g. "status" or "boundaries import" */
  name: string;
  summary: string;
  usage: string;
  options: Options;
  /** Long-running commands (serve) resolve when they stop. */
  run(ctx: CommandContext): Promise<Output>;
}

export const commonOptions: Options = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export function intOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

export class UsageError extends Error {}
