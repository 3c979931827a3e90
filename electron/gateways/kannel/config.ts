/**
 * The settings of a Kannel gateway, from the URL an operator types into the settings or
 * `tryk gateway add`: kannel://user:pass@host:13013?smsc=X&from=Politi&tps=50&…
 * user:pass is a Kannel `sendsms-user`; host:port is smsbox's `sendsms-port`.
 * Errors name the field and never echo the URL, because it carries the password.
 */
import { z } from 'zod';
import { failUrl, gatewayCredentials, gatewayQuery, openGatewayUrl } from '../url';

export interface KannelConfig {
  host: string;
  port: number;
  username: string;
  password: string;
  /** Kannel smsc-id to route through (sendsms `smsc`); '' lets Kannel's routing decide. */
  smsc: string;
  /** Sender (sendsms `from`); '' leaves it to the sendsms-user's default or global-sender. */
  from: string;
  /** Messages per second we hand to Kannel; 0 = no limit. */
  tps: number;
  /** sendsms requests awaiting an answer at once. */
  window: number;
  /** Where our receiver for delivery reports and inbound messages listens (loopback only). */
  listenHost: string;
  /** 0 = an ephemeral port; a fixed port lets receipts reach a restarted console. */
  listenPort: number;
  coding: 'auto' | 'gsm' | 'ucs2';
  /** Kannel dlr-mask: 31 asks for every report type (1|2|4|8|16). */
  dlrMask: number;
  /** Validity used when a message brings none; 0 = Kannel's and the SMSC's default. */
  validityMinutes: number;
  timeoutSeconds: number;
}

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

// Kannel's smsc-id and sender are written into its routing and SMPP fields as ASCII.
const ascii = /^[\x20-\x7e]*$/;

const querySchema = z
  .object({
    smsc: z.string().max(64).regex(/^[A-Za-z0-9_.-]*$/, 'must be letters, digits, _ . -').default(''),
    from: z.string().max(20).regex(ascii, 'must be ASCII').default(''),
    tps: int(0, 100_000).default(50),
    window: int(1, 1000).default(10),
    dlrListen: z
      .string()
      .regex(/^[^:]+:\d{1,5}$|^\[[^\]]+\]:\d{1,5}$/, 'must be host:port')
      .default('127.0.0.1:0'),
    coding: z.enum(['auto', 'gsm', 'ucs2']).default('auto'),
    dlrMask: int(0, 31).default(31),
    validity: int(0, 7 * 24 * 60).default(0),
    timeout: int(1, 600).default(30),
  })
  .strict();

const fail = failUrl;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

export function parseKannelUrl(url: string): KannelConfig {
  const parsed = openGatewayUrl(url, 'kannel:', 'kannel://user:password@host:port?…');
  if (!parsed.hostname) fail('The gateway address has no host');
  const port = parsed.port === '' ? 13013 : Number(parsed.port);
  if (port < 1) fail('The gateway port must be 1–65535');

  const { user: username, password } = gatewayCredentials(parsed, 'username');
  if (username === '') fail('The gateway address has no sendsms username (kannel://user:password@host)');
  if (password === '') fail('The gateway address has no sendsms password');

  const q = gatewayQuery(parsed, querySchema);
  const split = q.dlrListen.lastIndexOf(':');
  const listenHost = q.dlrListen.slice(0, split).replace(/^\[(.*)\]$/, '$1');
  const listenPort = Number(q.dlrListen.slice(split + 1));
  if (listenPort > 65535) fail('dlrListen: the port must be 0–65535');
  // The receiver takes unauthenticated callbacks, so it must not be reachable off the machine.
  if (!LOOPBACK.test(listenHost)) fail('dlrListen: the receiver must listen on a loopback address (127.0.0.1)');

  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    username,
    password,
    smsc: q.smsc,
    from: q.from,
    tps: q.tps,
    window: q.window,
    listenHost,
    listenPort,
    coding: q.coding,
    dlrMask: q.dlrMask,
    validityMinutes: q.validity,
    timeoutSeconds: q.timeout,
  };
}
