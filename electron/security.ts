/**
 * The security policy of both hosts as pure functions: the Content-Security-Policy and the other
 * response headers, the hardened window options, and the yes/no decisions the Electron entry
 * asks for (navigation, permissions, IPC senders). Kept free of the `electron` module so every
 * decision is unit-tested here; `main.ts` only wires them to Electron's hooks.
 */

/** The privileged scheme the desktop app serves its renderer from (see main.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tryk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Tile servers the map may load images from when no other list is configured. OpenStreetMap
 * serves every tile from one host now (the a/b/c subdomains are retired), so there is no wildcard.
 */
export const DEFAULT_TILE_HOSTS: readonly string[] = ['https://tile.openstreetmap.org'];

export interface CspOptions {
  /** Origins (`https://host[:port]`) the map may load tile images from, each named exactly. */
  tileHosts: readonly string[];
  /** The headless host's port: the renderer's WebSocket to ws://127.0.0.1:PORT/bridge. */
  bridgePort?: number;
  /**
   * Development builds only: lets the renderer reach a live-reload server on loopback. Scripts
   * stay 'self' in every mode, so a dev build is not a weaker XSS target.
   */
  dev?: boolean;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'] as const;

const isPort = (port: unknown): port is number =>
  typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;

/**
 * A tile host must be a bare origin: https anywhere, or plain http on loopback (a local tile
 * server in tests). Anything else — paths, wildcards, quotes, spaces, semicolons — could widen
 * or inject into the policy, so it is refused rather than escaped.
 */
export function normalizeTileHost(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new Error(`tile host ${JSON.stringify(host)} is not a URL`);
  }
  const loopbackHttp = url.protocol === 'http:' && (LOOPBACK_NAMES as readonly string[]).includes(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new Error(`tile host ${JSON.stringify(host)} must use https (or http on 127.0.0.1/localhost)`);
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new Error(`tile host ${JSON.stringify(host)} must be an origin only (scheme://host[:port])`);
  }
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(url.host)) {
    throw new Error(`tile host ${JSON.stringify(host)} must name one host (no wildcards)`);
  }
  return url.origin;
}

/**
 * The origins a Leaflet tile URL template needs, e.g. `https://{s}.tile.example/{z}/{x}/{y}.png`
 * with subdomains a, b, c gives three explicit origins. Null when the template is not usable.
 */
export function tileOriginsOf(template: string, subdomains: readonly string[] = ['a', 'b', 'c']): string[] | null {
  const expanded = template.includes('{s}') ? subdomains.map((s) => template.replaceAll('{s}', s)) : [template];
  try {
    const origins = expanded.map((t) => {
      const url = new URL(t.replace(/\{[a-z]+\}/gi, '0'));
      return normalizeTileHost(url.origin);
    });
    return [...new Set(origins)];
  } catch {
    return null;
  }
}

export function contentSecurityPolicy(options: CspOptions): string {
  const tiles = [...new Set(options.tileHosts.map(normalizeTileHost))];
  const connect = ["'self'"];
  if (options.bridgePort !== undefined) {
    if (!isPort(options.bridgePort)) throw new Error(`bridge port ${String(options.bridgePort)} is not a port`);
    // Both names: the console may be opened as 127.0.0.1 or localhost, and the host accepts both.
    for (const name of LOOPBACK_NAMES) connect.push(`ws://${name}:${options.bridgePort}`);
  }
  if (options.dev) connect.push('ws://127.0.0.1:*', 'http://127.0.0.1:*');
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    // 'unsafe-inline' for styles only: Leaflet positions every tile, marker and drawn layer
    // through style attributes, which a nonce or hash cannot cover. Scripts stay 'self', so an
    // injected style can restyle the page but cannot run code or read data.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    // data: for Leaflet's and Geoman's inlined icons; tiles from the named hosts only.
    ['img-src', ["'self'", 'data:', ...tiles]],
    ['connect-src', connect],
    ['font-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['media-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'self'"]],
    ['manifest-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/**
 * Headers every response of either host carries. No Cross-Origin-Embedder-Policy: tile servers
 * send no CORP header, so require-corp would blank the map; nothing here needs isolation.
 */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // The headless URL carries the bridge token: never send it to a tile server as a referrer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy':
      'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=(), display-capture=(), clipboard-read=()',
    // Responses may embed personal data (and the page URL a token): keep them out of disk caches.
    'Cache-Control': 'no-store',
  };
}

/** The subset of Electron's BrowserWindowConstructorOptions we set, typed without importing electron. */
export interface HardenedWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  autoHideMenuBar: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: false;
    navigateOnDragDrop: false;
    experimentalFeatures: false;
    enableWebSQL: false;
    safeDialogs: true;
    devTools: boolean;
  };
}

export function browserWindowOptions(options: { preloadPath: string; devTools?: boolean }): HardenedWindowOptions {
  // Electron ignores a relative preload path silently; a window without its bridge would look
  // like a broken app rather than a configuration error, so refuse it here.
  if (!(options.preloadPath.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(options.preloadPath))) {
    throw new Error('the preload path must be absolute');
  }
  return {
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    // Shown on 'ready-to-show' so the officer never sees a white flash.
    show: false,
    title: 'Tryk Console',
    backgroundColor: '#1d2733',
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Spellcheck would send typed text (alerts, names) to a dictionary service.
      spellcheck: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      enableWebSQL: false,
      safeDialogs: true,
      devTools: options.devTools ?? false,
    },
  };
}

/**
 * Whether `url` belongs to the app's own origin. Compared part by part, not by prefix, so
 * `app://tryk.evil/` and `app://tryk@evil/` do not pass; userinfo is refused outright.
 */
export function isAppUrl(url: string, appOrigin: string = APP_ORIGIN): boolean {
  let candidate: URL;
  let origin: URL;
  try {
    candidate = new URL(url);
    origin = new URL(appOrigin);
  } catch {
    return false;
  }
  if (candidate.username !== '' || candidate.password !== '') return false;
  return (
    candidate.protocol === origin.protocol &&
    candidate.host !== '' &&
    candidate.host === origin.host &&
    candidate.port === origin.port
  );
}

export type NavigationDecision = 'allow' | 'deny' | 'open-externally-never';

/**
 * In-app navigation is allowed; a link to the web is refused and would not be handed to the OS
 * either (a control-room console has no business opening a browser); everything else
 * (file:, javascript:, data:, other schemes) is denied.
 */
export function navigationDecision(url: string, appOrigin: string = APP_ORIGIN): NavigationDecision {
  if (isAppUrl(url, appOrigin)) return 'allow';
  try {
    const { protocol } = new URL(url);
    if (protocol === 'http:' || protocol === 'https:' || protocol === 'mailto:') return 'open-externally-never';
  } catch {
    // Unparseable: deny below.
  }
  return 'deny';
}

/** The console needs no camera, microphone, location, notification or any other permission. */
export function permissionDecision(_permission: string): false {
  return false;
}

/**
 * IPC sender validation: only the app's own page in the main frame may call the bridge; an
 * iframe, a page navigated elsewhere, or a destroyed frame (no URL) may not.
 */
export function isTrustedSender(
  frameUrl: string | null | undefined,
  isMainFrame: boolean | undefined,
  appOrigin: string = APP_ORIGIN,
): boolean {
  return isMainFrame === true && typeof frameUrl === 'string' && isAppUrl(frameUrl, appOrigin);
}

export type IpcRequestCheck = { ok: true; bytes: number } | { ok: false; code: 'too_large' | 'bad_request' };

/**
 * IPC payloads arrive structured-cloned, not as bytes; measure them as the JSON the WebSocket
 * host would have received so both hosts apply the same limit. Cycles and BigInts cannot be
 * JSON and could not match any schema, so they are bad requests.
 */
export function checkIpcRequest(payload: unknown, maxBytes: number): IpcRequestCheck {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch {
    return { ok: false, code: 'bad_request' };
  }
  const bytes = json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
  return bytes > maxBytes ? { ok: false, code: 'too_large' } : { ok: true, bytes };
}

/**
 * Headers for a response Electron fetched over the network (in practice: map tiles). Documents
 * get the full set, replacing whatever the server sent; other resources get only nosniff,
 * because CORP/COOP on a tile would make the browser refuse to show it in our page.
 */
export function withSecurityHeaders(
  existing: Record<string, string[] | string> | undefined,
  resourceType: string,
  csp: string,
): Record<string, string[]> {
  const added: Record<string, string> =
    resourceType === 'mainFrame' || resourceType === 'subFrame'
      ? securityHeaders(csp)
      : { 'X-Content-Type-Options': 'nosniff' };
  const replaced = new Set(Object.keys(added).map((name) => name.toLowerCase()));
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(existing ?? {})) {
    if (!replaced.has(name.toLowerCase())) result[name] = Array.isArray(value) ? value : [value];
  }
  for (const [name, value] of Object.entries(added)) result[name] = [value];
  return result;
}

/**
 * The desktop app's network allow-list, checked for every request the window makes: its own
 * scheme, the named tile hosts, and DevTools' own pages in development. The CSP says the same
 * for the page; this also covers what a CSP does not (e.g. a compromised renderer's navigation).
 */
export function isAllowedRequest(
  url: string,
  options: { tileHosts: readonly string[]; appOrigin?: string; devTools?: boolean },
): boolean {
  if (isAppUrl(url, options.appOrigin ?? APP_ORIGIN)) return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:') return true;
  if (parsed.protocol === 'blob:') return isAppUrl(url.slice('blob:'.length), options.appOrigin ?? APP_ORIGIN);
  if (options.devTools && (parsed.protocol === 'devtools:' || parsed.protocol === 'chrome-extension:')) return true;
  if (parsed.username || parsed.password) return false;
  const tiles = options.tileHosts.map(normalizeTileHost);
  return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && tiles.includes(parsed.origin);
}
