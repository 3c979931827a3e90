/**
 * A real Kannel on 127.0.0.1 for the Kannel gateway tests: bearerbox and smsbox from
 * Debian's `kannel`, with `fakesmsc` from `kannel-extras` as the SMSC. Writes its own
 * kannel.conf into a temporary directory with free ports, starts each program in its own
 * process group, and kills the groups on stop() (and on process exit, as a last resort), so
 * no Kannel outlives the test run.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { kannelBinaries, kannelMissing } from '../../../build/preflight.mjs';

export const KANNEL_BINARIES = kannelBinaries();
export { kannelMissing };

/** A port nobody listens on right now (the kernel's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface KannelOptions {
  username?: string;
  password?: string;
  smscId?: string;
  /** The sms-service get-url for inbound messages (Kannel escapes and all). */
  moGetUrl?: string;
  /** The sendsms-user's default-sender; none (the default) makes Kannel refuse a message without `from`. */
  defaultSender?: string;
}

/** A message bearerbox handed to fakesmsc, as fakesmsc logged it. */
export interface FakesmscMessage {
  from: string;
  to: string;
  /** fakesmsc's type word: 'text', 'data', 'ucs-2', 'udh'. */
  type: string;
  data: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    live.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  // bearerbox's orderly shutdown can take seconds; the tests need no orderly shutdown.
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 1500);
  await exited;
  clearTimeout(timer);
  live.delete(child);
}

export class TestKannel {
  private fakesmsc?: ChildProcess;
  private smsbox?: ChildProcess;
  private options: KannelOptions = {};
  private fakesmscLogs: string[] = [];
  private readonly children: ChildProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly ports: { admin: number; smsbox: number; sendsms: number; smsc: number },
    readonly username: string,
    readonly password: string,
    readonly smscId: string,
  ) {}

  static async start(options: KannelOptions = {}): Promise<TestKannel> {
    const why = kannelMissing();
    if (why) throw new Error(why);
    installExitHook();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tryk-kannel-'));
    const ports = { admin: await freePort(), smsbox: await freePort(), sendsms: await freePort(), smsc: await freePort() };
    const kannel = new TestKannel(dir, ports, options.username ?? 'tryk', options.password ?? 'hemmelig', options.smscId ?? 'FAKE');
    kannel.options = options;
    writeFileSync(path.join(dir, 'kannel.conf'), kannel.config(options.moGetUrl));
    try {
      kannel.spawn('bearerbox', [KANNEL_BINARIES.bearerbox, path.join(dir, 'kannel.conf')]);
      await kannel.waitForPort(ports.smsbox);
      kannel.smsbox = kannel.spawn('smsbox', [KANNEL_BINARIES.smsbox, path.join(dir, 'kannel.conf')]);
      await kannel.startFakesmsc();
      await kannel.waitForSendsms();
    } catch (error) {
      await kannel.stop();
      throw error;
    }
    return kannel;
  }

  private config(moGetUrl: string | undefined): string {
    const log = (name: string) => `log-file = "${path.join(this.dir, `${name}.log`)}"\nlog-level = 1`;
    return [
      'group = core',
      `admin-port = ${this.ports.admin}`,
      'admin-interface = 127.0.0.1',
      'admin-password = admin',
      `smsbox-port = ${this.ports.smsbox}`,
      'smsbox-interface = 127.0.0.1',
      'box-allow-ip = 127.0.0.1',
      'dlr-storage = internal',
      log('bearerbox'),
      '',
      'group = smsc',
      'smsc = fake',
      `smsc-id = ${this.smscId}`,
      `port = ${this.ports.smsc}`,
      'our-host = 127.0.0.1',
      'connect-allow-ip = 127.0.0.1',
      '',
      'group = smsbox',
      'bearerbox-host = 127.0.0.1',
      `bearerbox-port = ${this.ports.smsbox}`,
      `sendsms-port = ${this.ports.sendsms}`,
      'sendsms-interface = 127.0.0.1',
      // What `tryk gateway show` tells an operator to set: a get-url the console answered
      // with an error (it could not store the message) is tried again.
      'http-request-retry = 5',
      'http-queue-delay = 1',
      log('smsbox'),
      '',
      'group = sendsms-user',
      `username = ${this.username}`,
      `password = ${this.password}`,
      'user-allow-ip = 127.0.0.1',
      'concatenation = true',
      'max-messages = 10',
      ...(this.options.defaultSender ? [`default-sender = ${this.options.defaultSender}`] : []),
      '',
      // max-messages = 0: the answer to the get-url is never sent back to the citizen.
      'group = sms-service',
      'keyword = default',
      moGetUrl ? `get-url = "${moGetUrl}"` : 'text = "ignored"',
      'max-messages = 0',
      'catch-all = true',
      '',
    ].join('\n');
  }

  private spawn(name: string, argv: string[]): ChildProcess {
    const [file, ...args] = argv as [string, ...string[]];
    // detached: its own process group, so killing the group takes any helper threads' children too.
    const child = spawn(file, args, { cwd: this.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    this.children.push(child);
    child.on('error', () => undefined);
    const out: string[] = [];
    const collect = (chunk: Buffer) => {
      out.push(chunk.toString('utf8'));
      if (name === 'fakesmsc') this.fakesmscLogs.push(chunk.toString('utf8'));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    return child;
  }

  private async waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() - start > timeoutMs) throw new Error(`Kannel did not open port ${port} in time; see ${this.dir}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Polls sendsms with valid credentials and no receiver until smsbox answers 400 (it is up and linked). */
  private async waitForSendsms(timeoutMs = 15_000): Promise<void> {
    const start = Date.now();
    const url = `http://127.0.0.1:${this.ports.sendsms}/cgi-bin/sendsms?username=${encodeURIComponent(this.username)}&password=${encodeURIComponent(this.password)}`;
    for (;;) {
      const status = await fetch(url).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 400) break;
      if (Date.now() - start > timeoutMs) throw new Error(`Kannel sendsms did not come up (last status ${status}); see ${this.dir}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.waitForSmscOnline(timeoutMs);
  }

  /** Waits until bearerbox reports the fake SMSC connection online (fakesmsc connected). */
  private async waitForSmscOnline(timeoutMs = 15_000): Promise<void> {
    const start = Date.now();
    const url = `http://127.0.0.1:${this.ports.admin}/status.txt?password=admin`;
    for (;;) {
      const text = await fetch(url).then(
        (r) => r.text(),
        () => '',
      );
      const line = text.split('\n').find((l) => l.includes(`${this.smscId}:${this.ports.smsc}`));
      if (line?.includes('(online')) return;
      if (Date.now() - start > timeoutMs) throw new Error(`fakesmsc did not connect to bearerbox in time; see ${this.dir}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * (Re)starts fakesmsc. With `mo` lines ("sender receiver text|data|ucs2 payload") it sends
   * each once and stays connected to take messages; fakesmsc picks among several lines at
   * random, so each line gets its own short-lived fakesmsc, one after another.
   */
  private async startFakesmsc(mo?: string): Promise<void> {
    if (this.fakesmsc) await stopChild(this.fakesmsc);
    const args = ['-H', '127.0.0.1', '-r', String(this.ports.smsc), '-i', '0.1', '-m', mo ? '1' : '0'];
    this.fakesmsc = this.spawn('fakesmsc', [KANNEL_BINARIES.fakesmsc, ...args, mo ?? '0 0 text unused']);
  }

  /** Gives the sendsms-user a default sender, as an operator would fix kannel.conf: smsbox restarts with it. */
  async setDefaultSender(sender: string): Promise<void> {
    this.options = { ...this.options, defaultSender: sender };
    writeFileSync(path.join(this.dir, 'kannel.conf'), this.config(this.options.moGetUrl));
    if (this.smsbox) await stopChild(this.smsbox);
    this.smsbox = this.spawn('smsbox', [KANNEL_BINARIES.smsbox, path.join(this.dir, 'kannel.conf')]);
    await this.waitForSendsms();
  }

  /** Sends one inbound message from the fake SMSC, e.g. `4512345678 1999 text STOP`. */
  async sendMo(line: string): Promise<void> {
    await this.startFakesmsc(line);
    await this.waitForSmscOnline();
  }

  /** Every message bearerbox has handed to fakesmsc so far ("Got message N: <…>" in its log). */
  received(): FakesmscMessage[] {
    const messages: FakesmscMessage[] = [];
    for (const match of this.fakesmscLogs.join('').matchAll(/Got message \d+: <(\S+) (\S+) (\S+) ([^>]*)>/g)) {
      messages.push({ from: match[1] as string, to: match[2] as string, type: match[3] as string, data: match[4] as string });
    }
    return messages;
  }

  sendsmsBase(): string {
    return `127.0.0.1:${this.ports.sendsms}`;
  }

  log(name: 'bearerbox' | 'smsbox'): string {
    try {
      return readFileSync(path.join(this.dir, `${name}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    // smsbox and fakesmsc before bearerbox, so bearerbox is not left waiting on their links.
    for (const child of [...this.children].reverse()) await stopChild(child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
