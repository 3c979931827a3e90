/**
 * `tryk`: the console's services for scripted work, no Electron. One line of reason and a
 * non-zero exit code on failure; --json for machines.
 */
import { parseArgs } from 'node:util';
import { isTrykError } from '../../shared/bridge/result';
import { systemError } from '../store/store';
import type { Command, CommandContext } from './command';
import { commonOptions, UsageError } from './command';
import { alertCommands } from './alert-commands';
import { auditListCommand, auditVerifyCommand } from './audit-commands';
import { benchDispatchCommand, benchImportCommand, benchInboundCommand, benchTargetingCommand } from './bench-commands';
import { capCheckCommand } from './cap-commands';
import { demoCommand } from './demo-command';
import { gatewayListCommand, gatewayRemoveCommand, gatewayTestCommand, gatewayUpdateCommand } from './gateway-commands';
import { alertImportCapCommand, alertRuleCommand, alertSendCommand } from './send-command';
import { settingsCommand } from './settings-command';
import { mapTestTilesCommand } from './map-commands';
import { smsAnalyzeCommand } from './sms-command';
import { alertStatusCommand, sendCancelCommand, sendPauseCommand, sendResendCommand, sendResumeCommand, sendStatusCommand } from './dispatch-commands';
import { officerAddCommand, officerListCommand, officerSetPhoneCommand } from './officer-commands';
import { resolveDataDir } from './paths';
import { reportCommands } from './report-commands';
import { targetCountCommand } from './target-commands';
import { serveCommand } from './serve-command';
import {
  subscribersCountCommand,
  subscribersEraseCommand,
  subscribersExportCommand,
  subscribersImportCommand,
  subscribersShowCommand,
} from './subscriber-commands';
import { boundariesFetchCommand, boundariesImportCommand, gatewayAddCommand, initCommand, statusCommand } from './store-commands';
import { VERSION } from './version';
// --- tips ---
import { gatewayShowCommand, tipsCommands } from './tips-commands';
// --- social ---
import { socialCommands } from './social-commands';
// --- surveys ---
import { surveyCommands } from './survey-commands';

export const commands: Command[] = [
  initCommand,
  statusCommand,
  demoCommand,
  serveCommand,
  boundariesImportCommand,
  boundariesFetchCommand,
  gatewayAddCommand,
  gatewayListCommand,
  gatewayTestCommand,
  gatewayRemoveCommand,
  gatewayUpdateCommand,
  subscribersImportCommand,
  subscribersExportCommand,
  subscribersCountCommand,
  subscribersShowCommand,
  subscribersEraseCommand,
  targetCountCommand,
  officerAddCommand,
  officerListCommand,
  officerSetPhoneCommand,
  ...alertCommands,
  alertSendCommand,
  alertRuleCommand,
  alertImportCapCommand,
  smsAnalyzeCommand,
  settingsCommand,
  mapTestTilesCommand,
  alertStatusCommand,
  sendStatusCommand,
  sendPauseCommand,
  sendResumeCommand,
  sendResendCommand,
  sendCancelCommand,
  auditVerifyCommand,
  auditListCommand,
  capCheckCommand,
  benchImportCommand,
  benchTargetingCommand,
  benchDispatchCommand,
  // --- tips ---
  gatewayShowCommand,
  ...tipsCommands,
  // --- surveys ---
  ...surveyCommands,
  benchInboundCommand,
  // --- evaluation ---
  ...reportCommands,
  // --- social ---
  ...socialCommands,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `tryk ${VERSION}: Tryk Console from the command line`,
    '',
    'Usage: tryk COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Common options:',
    '  --data-dir DIR   the data directory (default: $TRYK_DATA_DIR, else the desktop app\'s)',
    '  --json           machine-readable output',
    '  -h, --help       help for a command',
    '',
    'The store passphrase is read from $TRYK_PASSPHRASE, or asked for on a terminal.',
  ].join('\n');
}

function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (const c of [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(words.length) };
  }
  return null;
}

export interface RunResult {
  code: number;
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  const wantsJson = argv.includes('--json');
  const fail = (code: number, message: string, errorCode: string, details?: unknown) => {
    if (wantsJson) console.log(JSON.stringify({ ok: false, error: { code: errorCode, message, ...(details === undefined ? {} : { details }) } }));
    else console.error(`tryk: ${message}`);
    return { code };
  };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(help());
    return { code: argv.length === 0 ? 2 : 0 };
  }
  if (argv[0] === '--version') {
    console.log(VERSION);
    return { code: 0 };
  }
  const found = findCommand(argv);
  if (!found) return fail(2, `unknown command "${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}" (see tryk --help)`, 'usage');
  const { command, rest } = found;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...commonOptions, ...command.options }, allowPositionals: true, strict: true });
  } catch (e) {
    return fail(2, `${(e as Error).message.split('\n')[0]} (usage: ${command.usage})`, 'usage');
  }
  if (parsed.values.help) {
    console.log(`${command.usage}\n\n${command.summary}`);
    return { code: 0 };
  }
  const json = parsed.values.json === true;
  const ctx: CommandContext = {
    values: parsed.values,
    positionals: parsed.positionals,
    dataDir: resolveDataDir(parsed.values['data-dir'] as string | undefined, env),
    json,
    env,
    progress: (line) => {
      if (!json) console.error(line);
    },
  };
  try {
    const out = await command.run(ctx);
    console.log(json ? JSON.stringify({ ok: true, value: out.json }) : out.text);
    return { code: 0 };
  } catch (e) {
    if (e instanceof UsageError) return fail(2, `${e.message} (usage: ${command.usage})`, 'usage');
    if (isTrykError(e)) return fail(1, e.message, e.code, e.details);
    // A store or disk fault (damaged page, full disk, no permission, read-only) in the middle of a command.
    const known = systemError(e, ctx.dataDir);
    if (known) return fail(1, known.message, known.code);
    // Unexpected: say what kind, never dump data that could be personal.
    return fail(1, `${command.name} failed unexpectedly: ${(e as Error)?.message ?? String(e)}`, 'internal');
  }
}
