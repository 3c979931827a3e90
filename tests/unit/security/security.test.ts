import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  browserWindowOptions,
  checkIpcRequest,
  contentSecurityPolicy,
  isAllowedRequest,
  isAppUrl,
  isTrustedSender,
  navigationDecision,
  normalizeTileHost,
  permissionDecision,
  securityHeaders,
  tileOriginsOf,
  withSecurityHeaders,
} from '../../../electron/security';

/** Parses a policy into directive → sources, so tests check sources, not substrings. */
function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) {
      expect(map.has(name), `directive ${name} appears once`).toBe(false);
      map.set(name, values);
    }
  }
  return map;
}

describe('contentSecurityPolicy', () => {
  const csp = directives(contentSecurityPolicy({ tileHosts: ['https://tile.openstreetmap.org'] }));

  it('denies by default and allows only the app itself for code, styles, fonts and connections', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('font-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('never allows inline or evaluated scripts, in any mode', () => {
    for (const options of [{ tileHosts: [] }, { tileHosts: [], dev: true }, { tileHosts: [], bridgePort: 4848 }]) {
      const policy = contentSecurityPolicy(options);
      expect(policy).not.toMatch(/unsafe-eval|wasm-unsafe-eval/);
      expect(directives(policy).get('script-src')).toEqual(["'self'"]);
    }
  });

  it('names tile hosts explicitly in img-src and nowhere else', () => {
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'https://tile.openstreetmap.org']);
    const others = [...csp.entries()].filter(([name]) => name !== 'img-src').flatMap(([, v]) => v);
    expect(others.join(' ')).not.toContain('openstreetmap');
    expect(contentSecurityPolicy({ tileHosts: [] })).not.toMatch(/https:|\*/);
  });

  it('adds the loopback WebSocket only for the headless variant', () => {
    const headless = directives(contentSecurityPolicy({ tileHosts: [], bridgePort: 4848 }));
    expect(headless.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4848', 'ws://localhost:4848']);
    expect(csp.get('connect-src')).not.toContain('ws://127.0.0.1:4848');
    expect(() => contentSecurityPolicy({ tileHosts: [], bridgePort: 0 })).toThrow(/port/);
    expect(() => contentSecurityPolicy({ tileHosts: [], bridgePort: 70000 })).toThrow(/port/);
  });

  it('widens only connect-src, to loopback, in dev mode', () => {
    const dev = directives(contentSecurityPolicy({ tileHosts: [], dev: true }));
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*', 'http://127.0.0.1:*']);
    const prod = directives(contentSecurityPolicy({ tileHosts: [] }));
    for (const [name, values] of prod) if (name !== 'connect-src') expect(dev.get(name)).toEqual(values);
  });

  it.each([
    'https://*.tile.openstreetmap.org',
    'http://tile.openstreetmap.org',
    'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    "https://tiles.example; script-src 'unsafe-inline'",
    'https://tiles.example https://evil.example',
    'https://user@tiles.example',
    'javascript:alert(1)',
    'data:',
    '*',
    'tiles.example',
  ])('refuses the tile host %j rather than putting it in the policy', (host) => {
    expect(() => contentSecurityPolicy({ tileHosts: [host] })).toThrow();
  });

  it('accepts https origins and loopback http for tile hosts, normalised', () => {
    expect(normalizeTileHost('https://Tiles.Example:8443/')).toBe('https://tiles.example:8443');
    expect(normalizeTileHost('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
  });

  it('derives explicit tile origins from a Leaflet URL template', () => {
    expect(tileOriginsOf('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toEqual(['https://tile.openstreetmap.org']);
    expect(tileOriginsOf('https://{s}.tiles.example/{z}/{x}/{y}.png', ['a', 'b'])).toEqual([
      'https://a.tiles.example',
      'https://b.tiles.example',
    ]);
    expect(tileOriginsOf('http://tiles.example/{z}/{x}/{y}.png')).toBeNull();
    expect(tileOriginsOf('not a url')).toBeNull();
  });
});

describe('securityHeaders', () => {
  it('sets the CSP and the hardening headers on every response', () => {
    const headers = securityHeaders("default-src 'none'");
    expect(headers).toMatchObject({
      'Content-Security-Policy': "default-src 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    });
    expect(headers['Permissions-Policy']).toContain('geolocation=()');
    expect(headers['Permissions-Policy']).toContain('camera=()');
  });
});

describe('browserWindowOptions', () => {
  it('builds a sandboxed, isolated window with every risky feature off', () => {
    const options = browserWindowOptions({ preloadPath: '/opt/tryk/dist/preload/preload.cjs' });
    expect(options.webPreferences).toEqual({
      preload: '/opt/tryk/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      enableWebSQL: false,
      safeDialogs: true,
      devTools: false,
    });
    expect(options.show).toBe(false);
  });

  it('enables devtools only when asked (unpackaged builds)', () => {
    expect(browserWindowOptions({ preloadPath: '/p.cjs', devTools: true }).webPreferences.devTools).toBe(true);
  });

  it('refuses a relative preload path, which Electron would silently ignore', () => {
    expect(() => browserWindowOptions({ preloadPath: 'dist/preload/preload.cjs' })).toThrow(/absolute/);
    expect(browserWindowOptions({ preloadPath: 'C:\\Tryk\\preload.cjs' }).webPreferences.preload).toBe('C:\\Tryk\\preload.cjs');
  });
});

describe('isAppUrl and navigationDecision', () => {
  it('allows the app origin itself', () => {
    expect(APP_ORIGIN).toBe('app://tryk');
    expect(isAppUrl('app://tryk/')).toBe(true);
    expect(isAppUrl('app://tryk/index.html?x=1#map')).toBe(true);
    expect(navigationDecision('app://tryk/index.html')).toBe('allow');
  });

  it.each([
    'app://tryk.evil/',
    'app://tryk@evil/',
    'app://evil@tryk/',
    'app://tryk:pw@tryk/',
    'app://tryk:8080/',
    'app://trykk/',
    'app:tryk/index.html',
    'app:///tryk/',
    'file:///',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'blob:app://tryk/1234',
    'about:blank',
    'chrome://settings',
    'devtools://devtools/bundled/inspector.html',
    '',
    'not a url',
  ])('does not treat %j as the app', (url) => {
    expect(isAppUrl(url)).toBe(false);
    expect(navigationDecision(url)).not.toBe('allow');
  });

  it('refuses web links without opening them, and denies other schemes outright', () => {
    expect(navigationDecision('https://evil.example/')).toBe('open-externally-never');
    expect(navigationDecision('http://127.0.0.1:4848/')).toBe('open-externally-never');
    expect(navigationDecision('mailto:someone@example.dk')).toBe('open-externally-never');
    expect(navigationDecision('file:///etc/passwd')).toBe('deny');
    expect(navigationDecision('javascript:alert(1)')).toBe('deny');
    expect(navigationDecision('tryk://open')).toBe('deny');
  });

  it('works for the headless origin too (port is part of the origin)', () => {
    const origin = 'http://127.0.0.1:4848';
    expect(isAppUrl('http://127.0.0.1:4848/?token=abc', origin)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:4849/', origin)).toBe(false);
    expect(isAppUrl('https://127.0.0.1:4848/', origin)).toBe(false);
    expect(isAppUrl('http://127.0.0.1.evil.example:4848/', origin)).toBe(false);
  });
});

describe('permissionDecision', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown', ''])(
    'denies %j',
    (permission) => {
      expect(permissionDecision(permission)).toBe(false);
    },
  );
});

describe('isTrustedSender', () => {
  it('trusts only the app page in the main frame', () => {
    expect(isTrustedSender('app://tryk/index.html', true)).toBe(true);
    expect(isTrustedSender('app://tryk/index.html', false)).toBe(false);
    expect(isTrustedSender('app://tryk/index.html', undefined)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
    expect(isTrustedSender(null, true)).toBe(false);
    expect(isTrustedSender('', true)).toBe(false);
    expect(isTrustedSender('app://tryk.evil/', true)).toBe(false);
    expect(isTrustedSender('app://tryk@evil/', true)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender('file:///home/user/evil.html', true)).toBe(false);
    expect(isTrustedSender('about:blank', true)).toBe(false);
  });
});

describe('checkIpcRequest', () => {
  it('measures payloads as JSON bytes and refuses those over the limit', () => {
    expect(checkIpcRequest({ kind: 'district' }, 100)).toEqual({ ok: true, bytes: 19 });
    expect(checkIpcRequest(undefined, 100)).toEqual({ ok: true, bytes: 0 });
    expect(checkIpcRequest({ text: 'x'.repeat(100) }, 100)).toEqual({ ok: false, code: 'too_large' });
    // Multi-byte characters count as bytes, not as characters: 40 × "æ" is 80 bytes + 2 quotes.
    expect(checkIpcRequest('æ'.repeat(40), 82)).toEqual({ ok: true, bytes: 82 });
    expect(checkIpcRequest('æ'.repeat(40), 81)).toEqual({ ok: false, code: 'too_large' });
  });

  it('refuses payloads that cannot be JSON (cycles, BigInt) as bad requests', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(checkIpcRequest(cyclic, 1000)).toEqual({ ok: false, code: 'bad_request' });
    expect(checkIpcRequest({ n: 1n }, 1000)).toEqual({ ok: false, code: 'bad_request' });
  });
});

describe('withSecurityHeaders', () => {
  const csp = contentSecurityPolicy({ tileHosts: [] });

  it('gives documents the full set, replacing headers the server sent in any case', () => {
    const headers = withSecurityHeaders(
      { 'content-security-policy': ['default-src *'], 'x-frame-options': 'ALLOWALL', 'Content-Type': ['text/html'] },
      'mainFrame',
      csp,
    );
    expect(headers['Content-Security-Policy']).toEqual([csp]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['x-frame-options']).toBeUndefined();
    expect(headers['X-Frame-Options']).toEqual(['DENY']);
    expect(headers['Content-Type']).toEqual(['text/html']);
  });

  it('adds only nosniff to other resources, so tiles from other origins still load', () => {
    const headers = withSecurityHeaders({ 'Content-Type': ['image/png'] }, 'image', csp);
    expect(headers).toEqual({ 'Content-Type': ['image/png'], 'X-Content-Type-Options': ['nosniff'] });
    expect(withSecurityHeaders(undefined, 'xhr', csp)).toEqual({ 'X-Content-Type-Options': ['nosniff'] });
  });
});

describe('isAllowedRequest', () => {
  const tileHosts = ['https://tile.openstreetmap.org'];

  it('allows the app, named tile hosts, data: and the app own blobs', () => {
    expect(isAllowedRequest('app://tryk/main.js', { tileHosts })).toBe(true);
    expect(isAllowedRequest('https://tile.openstreetmap.org/12/2190/1270.png', { tileHosts })).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA', { tileHosts })).toBe(true);
    expect(isAllowedRequest('blob:app://tryk/4f1c', { tileHosts })).toBe(true);
  });

  it.each([
    'https://a.tile.openstreetmap.org/1/1/1.png',
    'https://tile.openstreetmap.org.evil.example/1/1/1.png',
    'https://tile.openstreetmap.org@evil.example/',
    'https://user@tile.openstreetmap.org/1/1/1.png',
    'http://tile.openstreetmap.org/1/1/1.png',
    'https://evil.example/collect?phone=4512345678',
    'wss://evil.example/',
    'file:///etc/passwd',
    'blob:https://evil.example/4f1c',
    'devtools://devtools/bundled/inspector.html',
    'app://tryk.evil/',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedRequest(url, { tileHosts })).toBe(false);
  });

  it('allows DevTools pages only when DevTools are enabled', () => {
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', { tileHosts, devTools: true })).toBe(true);
  });
});
