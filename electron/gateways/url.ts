/**
 * What every gateway URL parser shares: opening the URL without ever echoing it (it may hold
 * a password), and reading its query strictly, so a mistyped setting is an error, not ignored.
 */
import type { z } from 'zod';
import { GatewayError } from './gateway';

export function failUrl(message: string): never {
  throw new GatewayError('bad_gateway_url', message);
}

/** Parses `url` and checks its scheme; `example` is shown when it is not a URL at all. */
export function openGatewayUrl(url: string, scheme: string, example: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // URL's own error would carry the input, password and all.
    failUrl(`The gateway address is not a valid URL (expected ${example})`);
  }
  if (parsed.protocol !== scheme) failUrl(`The gateway address must start with ${scheme}// (got ${parsed.protocol}//)`);
  if (parsed.pathname !== '' && parsed.pathname !== '/') failUrl('The gateway address must not have a path');
  return parsed;
}

/** The query as the schema reads it; a key given twice or unknown is refused with its name. */
export function gatewayQuery<S extends z.ZodType>(parsed: URL, schema: S): z.output<S> {
  const query: Record<string, string> = {};
  for (const [key, value] of parsed.searchParams) {
    if (key in query) failUrl(`The gateway address sets "${key}" twice`);
    query[key] = value;
  }
  const result = schema.safeParse(query);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
        : `${issue.path.join('.')}: ${issue.message}`,
    );
    failUrl(`The gateway address has bad settings: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The user and password, percent-decoded; `userLabel` names the user field in the message. */
export function gatewayCredentials(parsed: URL, userLabel: string): { user: string; password: string } {
  try {
    return { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  } catch {
    failUrl(`The ${userLabel} or password in the gateway address is badly percent-encoded`);
  }
}

/** What redactUrl puts where a password was. */
const PASSWORD_MARK = '••••';

/**
 * `url` with `stored`'s password where `url` carries redactUrl's mark: an edit of a redacted URL
 * keeps the secret the console never showed.
 */
export function keepStoredPassword(url: string, stored: string): string {
  let next: URL;
  let before: URL;
  try {
    next = new URL(url);
    before = new URL(stored);
  } catch {
    return url; // the parsers after this say what is wrong, without echoing it
  }
  let password: string;
  try {
    password = decodeURIComponent(next.password);
  } catch {
    return url;
  }
  if (password !== PASSWORD_MARK) return url;
  next.password = before.password;
  return next.toString();
}

/** A URL with its password removed, for display and logs (the one copy: settings, CLI, logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return u.toString();
    // URL would percent-encode the bullets: put a plain placeholder in, then swap it.
    u.password = 'REDACTED';
    return u.toString().replace(':REDACTED@', `:${PASSWORD_MARK}@`);
  } catch {
    return '(invalid URL)';
  }
}
