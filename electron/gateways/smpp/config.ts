/**
 * The settings of an SMPP gateway, from the URL an operator types into the settings or
 * `tryk gateway add`: smpp://system_id:password@host:port?tps=50&window=10&binds=2&…
 * Errors name the field and never echo the URL, because it carries the password.
 */
import { z } from 'zod';
import { failUrl, gatewayCredentials, gatewayQuery, openGatewayUrl } from '../url';

export interface SmppConfig {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  /** Parts per second over all binds; 0 = no limit. */
  tps: number;
  /** Submits awaiting submit_sm_resp, per bind. */
  window: number;
  binds: number;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  /** GSM-7 packed into octets (data_coding 0) instead of one septet per octet. */
  packed: boolean;
  /** Whole message in one PDU's message_payload TLV instead of UDH-concatenated parts. */
  payload: boolean;
  enquireLinkSeconds: number;
  /** Time to wait for any response (bind, submit, enquire_link) before giving up on it. */
  responseTimeoutSeconds: number;
  /** Validity period used when a message brings none; 0 = the SMSC's default. */
  validityMinutes: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

// Field limits are the SMPP 3.4 bind field sizes minus the terminating NUL; node-smpp writes
// these as ASCII, so anything else would be silently mangled on the wire.
const ascii = /^[\x20-\x7e]*$/;

const querySchema = z
  .object({
    tps: int(0, 100_000).default(50),
    window: int(1, 1000).default(10),
    binds: int(1, 16).default(1),
    system_type: z.string().max(12).regex(ascii, 'must be ASCII').default(''),
    source: z.string().min(1).max(20).regex(ascii, 'must be ASCII').default('TRYK'),
    source_ton: int(0, 6).optional(),
    source_npi: int(0, 18).optional(),
    packed: flag.default(false),
    payload: flag.default(false),
    enquire_link: int(1, 3600).default(30),
    timeout: int(1, 600).default(30),
    validity: int(0, 7 * 24 * 60).default(0),
    reconnect_min_ms: int(10, 60_000).default(1000),
    reconnect_max_ms: int(10, 600_000).default(30_000),
  })
  .strict();

const fail = failUrl;

/**
 * TON/NPI for a sender: letters make it alphanumeric (TON 5), '+digits' international
 * (TON 1, ISDN), plain digits are left for the SMSC to interpret (TON 0, ISDN).
 */
export function sourceAddress(source: string): { addr: string; ton: number; npi: number } {
  if (/^\+\d{1,15}$/.test(source)) return { addr: source.slice(1), ton: 1, npi: 1 };
  if (/^\d{1,20}$/.test(source)) return { addr: source, ton: 0, npi: 1 };
  return { addr: source, ton: 5, npi: 0 };
}

export function parseSmppUrl(url: string): SmppConfig {
  const parsed = openGatewayUrl(url, 'smpp:', 'smpp://system_id:password@host:port?…');
  if (!parsed.hostname) fail('The gateway address has no host');
  const port = parsed.port === '' ? 2775 : Number(parsed.port);
  if (port < 1) fail('The gateway port must be 1–65535');

  const { user: systemId, password } = gatewayCredentials(parsed, 'system_id');
  if (systemId === '') fail('The gateway address has no system_id (smpp://system_id:password@host)');
  if (systemId.length > 15 || !ascii.test(systemId)) fail('system_id must be 1–15 ASCII characters');
  if (password.length > 8 || !ascii.test(password)) fail('The password must be at most 8 ASCII characters (SMPP 3.4)');

  const q = gatewayQuery(parsed, querySchema);
  if (q.reconnect_min_ms > q.reconnect_max_ms) fail('reconnect_min_ms must not exceed reconnect_max_ms');
  const source = sourceAddress(q.source);
  if (source.ton === 5 && source.addr.length > 11) fail('An alphanumeric source is at most 11 characters');

  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    systemId,
    password,
    systemType: q.system_type,
    tps: q.tps,
    window: q.window,
    binds: q.binds,
    source: source.addr,
    sourceTon: q.source_ton ?? source.ton,
    sourceNpi: q.source_npi ?? source.npi,
    packed: q.packed,
    payload: q.payload,
    enquireLinkSeconds: q.enquire_link,
    responseTimeoutSeconds: q.timeout,
    validityMinutes: q.validity,
    reconnectMinMs: q.reconnect_min_ms,
    reconnectMaxMs: q.reconnect_max_ms,
  };
}
