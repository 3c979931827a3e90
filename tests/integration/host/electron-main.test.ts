/**
 * electron/main.ts cannot run here (no Electron binary), so it runs against a recording fake of
 * the `electron` module with the real store, keychain wrapper and app behind it. This checks
 * the wiring the pure policy tests cannot: that each guard is actually installed and answers.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../../shared/bridge/contract';
import { IPC_EVENT, IPC_INVOKE } from '../../../shared/bridge/wire';
import type { App } from '../../../electron/app';
import type * as AppModule from '../../../electron/app';

type Handler = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => ({
  root: '',
  keychainAvailable: true,
  secret: Buffer.alloc(32, 7),
  privileged: [] as unknown[],
  appHandlers: new Map<string, Handler[]>(),
  ipcHandlers: new Map<string, Handler>(),
  windows: [] as { options: unknown; loaded: string[]; webContents: unknown }[],
  errorBoxes: [] as { title: string; message: string }[],
  exits: [] as number[],
  sandbox: 0,
  session: {
    permissionRequest: null as null | Handler,
    permissionCheck: null as null | Handler,
    device: null as null | Handler,
    beforeRequest: null as null | Handler,
    headersReceived: null as null | Handler,
    protocolHandler: null as null | ((request: { url: string; method: string }) => Promise<Response>),
    downloadListeners: [] as Handler[],
  },
  ready: null as null | (() => void),
  captured: { app: null as null | App },
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const crypto = await import('node:crypto');
  const paths: Record<string, string> = {};
  const readyPromise = new Promise<void>((resolve) => {
    fake.ready = resolve;
  });
  const electronApp = {
    isPackaged: true,
    setPath: (name: string, value: string) => {
      paths[name] = value;
    },
    getPath: (name: string) => paths[name] ?? path.join(fake.root, name),
    getAppPath: () => path.join(fake.root, 'app'),
    getVersion: () => '1.2.3',
    requestSingleInstanceLock: () => true,
    enableSandbox: () => {
      fake.sandbox += 1;
    },
    on: (event: string, handler: Handler) => {
      fake.appHandlers.set(event, [...(fake.appHandlers.get(event) ?? []), handler]);
    },
    whenReady: () => readyPromise,
    quit: () => undefined,
    exit: (code: number) => fake.exits.push(code),
  };
  class BrowserWindow extends Emitter {
    webContents: EventEmitter & { send: (...args: unknown[]) => void; sent: unknown[][] };
    loaded: string[] = [];
    constructor(options: unknown) {
      super();
      const contents = new Emitter() as BrowserWindow['webContents'];
      contents.sent = [];
      contents.send = (...args: unknown[]) => contents.sent.push(args);
      this.webContents = contents;
      fake.windows.push({ options, loaded: this.loaded, webContents: contents });
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    show() {}
    focus() {}
    restore() {}
  }
  const aes = (encrypt: boolean, data: Buffer) => {
    if (encrypt) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', fake.secret, iv);
      const body = Buffer.concat([c.update(data), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    }
    const d = crypto.createDecipheriv('aes-256-gcm', fake.secret, data.subarray(0, 12));
    d.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([d.update(data.subarray(28)), d.final()]);
  };
  return {
    app: electronApp,
    BrowserWindow,
    protocol: { registerSchemesAsPrivileged: (schemes: unknown[]) => fake.privileged.push(...schemes) },
    dialog: { showErrorBox: (title: string, message: string) => fake.errorBoxes.push({ title, message }) },
    ipcMain: { handle: (channel: string, handler: Handler) => fake.ipcHandlers.set(channel, handler) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => undefined },
    safeStorage: {
      isEncryptionAvailable: () => fake.keychainAvailable,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => aes(true, Buffer.from(s, 'utf8')),
      decryptString: (b: Buffer) => aes(false, b).toString('utf8'),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Handler) => (fake.session.permissionRequest = h),
        setPermissionCheckHandler: (h: Handler) => (fake.session.permissionCheck = h),
        setDevicePermissionHandler: (h: Handler) => (fake.session.device = h),
        setDisplayMediaRequestHandler: () => undefined,
        on: (event: string, h: Handler) => {
          if (event === 'will-download') fake.session.downloadListeners.push(h);
        },
        webRequest: {
          onBeforeRequest: (h: Handler) => (fake.session.beforeRequest = h),
          onHeadersReceived: (h: Handler) => (fake.session.headersReceived = h),
        },
        protocol: {
          handle: (_scheme: string, h: (request: { url: string; method: string }) => Promise<Response>) =>
            (fake.session.protocolHandler = h),
        },
      },
    },
  };
});

vi.mock('../../../electron/app', async (importOriginal) => {
  const original = await importOriginal<typeof AppModule>();
  return {
    ...original,
    startApp: async (...args: Parameters<typeof original.startApp>) => {
      const app = await original.startApp(...args);
      fake.captured.app = app;
      return app;
    },
  };
});

const mainModule = '../../../electron/main.ts';
let dataDir: string;

// Up to 110 s (inside the 120 s hook limit): the first start makes a 34,000-subscriber demo
// store with a year of history and loads the index in its worker; on a loaded 2-core machine
// that took 52 s. It returns as soon as the condition holds.
async function until(condition: () => boolean) {
  const deadline = Date.now() + 110_000;
  while (Date.now() < deadline && !condition()) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

function fakeContents() {
  const contents = new EventEmitter() as EventEmitter & {
    openHandler?: Handler;
    setWindowOpenHandler(h: Handler): void;
    closeDevTools(): void;
  };
  contents.setWindowOpenHandler = (h) => {
    contents.openHandler = h;
  };
  contents.closeDevTools = () => undefined;
  return contents;
}

function navigation(url: string) {
  let prevented = false;
  return { event: { url, preventDefault: () => (prevented = true) }, prevented: () => prevented };
}

beforeAll(async () => {
  fake.root = await mkdtemp(path.join(tmpdir(), 'tryk-main-'));
  fake.secret = randomBytes(32);
  dataDir = path.join(fake.root, 'data');
  const renderer = path.join(fake.root, 'app', 'dist', 'renderer');
  await mkdir(renderer, { recursive: true });
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Tryk</title>');
  await writeFile(path.join(fake.root, 'app', 'package.json'), '{"secret": true}');
  vi.stubEnv('TRYK_DATA_DIR', dataDir);
  await import(/* @vite-ignore */ mainModule);
  fake.ready?.();
  await until(() => fake.windows.length === 1 || fake.errorBoxes.length > 0);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(fake.root, { recursive: true, force: true });
});

describe('electron/main.ts wiring', () => {
  it('registers app:// as a standard secure scheme without CSP bypass, sandboxes, and keeps one instance', () => {
    expect(fake.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    expect(fake.sandbox).toBe(1);
    expect(fake.appHandlers.has('second-instance')).toBe(true);
  });

  it('creates an encrypted store wrapped by the keychain in TRYK_DATA_DIR on first start', async () => {
    expect(fake.errorBoxes).toEqual([]);
    const keyfile = JSON.parse(await readFile(path.join(dataDir, 'tryk.key.json'), 'utf8')) as {
      protection: { kind: string; wrappedKey: string };
    };
    expect(keyfile.protection.kind).toBe('keychain');
    const db = await readFile(path.join(dataDir, 'tryk.db'));
    expect(db.includes(Buffer.from('SQLite format 3'))).toBe(false);
  });

  it('opens one hardened window on the app origin', () => {
    const [win] = fake.windows;
    expect(win?.loaded).toEqual(['app://tryk/index.html']);
    expect(win?.options).toMatchObject({
      show: false,
      webPreferences: {
        preload: path.join(fake.root, 'app', 'dist', 'preload', 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        devTools: false,
      },
    });
  });

  it('serves the renderer from app://tryk/ with the CSP, and nothing outside it', async () => {
    const handler = fake.session.protocolHandler;
    expect(handler).not.toBeNull();
    const index = await handler!({ url: 'app://tryk/', method: 'GET' });
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Tryk</title>');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const url of ['app://tryk/%2e%2e/package.json', 'app://tryk/..%2fpackage.json', 'app://evil/index.html', 'app://x@tryk/']) {
      const response = await handler!({ url, method: 'GET' });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('secret');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });

  it('denies every permission and refuses requests off the allow-list', () => {
    let granted: unknown = 'unset';
    fake.session.permissionRequest?.(null, 'geolocation', (g: unknown) => (granted = g));
    expect(granted).toBe(false);
    expect(fake.session.permissionCheck?.(null, 'media')).toBe(false);
    expect(fake.session.device?.({})).toBe(false);
    let decision: unknown;
    fake.session.beforeRequest?.({ url: 'https://evil.example/x', resourceType: 'xhr' }, (d: unknown) => (decision = d));
    expect(decision).toEqual({ cancel: true });
    fake.session.beforeRequest?.({ url: 'app://tryk/main.js', resourceType: 'script' }, (d: unknown) => (decision = d));
    expect(decision).toEqual({ cancel: false });
    const download = navigation('https://evil.example/file');
    fake.session.downloadListeners.forEach((l) => l(download.event));
    expect(download.prevented()).toBe(true);
  });

  it('guards every web contents: no new windows, no navigation away, no webviews', () => {
    const contents = fakeContents();
    fake.appHandlers.get('web-contents-created')?.forEach((h) => h({}, contents));
    expect(contents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      const away = navigation('https://evil.example/');
      contents.emit(event, away.event);
      expect(away.prevented(), event).toBe(true);
      const local = navigation('file:///etc/passwd');
      contents.emit(event, local.event);
      expect(local.prevented(), event).toBe(true);
      const inApp = navigation('app://tryk/index.html');
      contents.emit(event, inApp.event);
      expect(inApp.prevented(), event).toBe(false);
    }
    const webview = navigation('');
    contents.emit('will-attach-webview', webview.event);
    expect(webview.prevented()).toBe(true);
  });

  it('answers bridge calls only from the console window main frame, within the size limit', async () => {
    const invoke = fake.ipcHandlers.get(IPC_INVOKE);
    const contents = fake.windows[0]?.webContents;
    const frame = { url: 'app://tryk/index.html', parent: null };
    const ok = (await invoke?.({ sender: contents, senderFrame: frame }, 'app.status', {})) as {
      ok: boolean;
      value: { host: string; version: string };
    };
    expect(ok).toMatchObject({ ok: true, value: { host: 'electron', version: '1.2.3' } });
    const refusals = [
      { sender: contents, senderFrame: { url: 'app://tryk/index.html', parent: frame } },
      { sender: contents, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: contents, senderFrame: null },
      { sender: new EventEmitter(), senderFrame: frame },
    ];
    for (const event of refusals) {
      expect(await invoke?.(event, 'app.status', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    const big = { padding: 'x'.repeat(MAX_REQUEST_BYTES) };
    expect(await invoke?.({ sender: contents, senderFrame: frame }, 'app.status', big)).toMatchObject({
      ok: false,
      error: { code: 'too_large' },
    });
    expect(await invoke?.({ sender: contents, senderFrame: frame }, 'no.such', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
  });

  it('forwards app events to the window over the event channel', () => {
    const contents = fake.windows[0]?.webContents as { sent: unknown[][] };
    const app = fake.captured.app as App;
    app.emit('app.statusChanged', { marker: 1 } as never);
    expect(contents.sent.at(-1)).toEqual([IPC_EVENT, 'app.statusChanged', { marker: 1 }]);
  });

  it('closes the store (releasing its lock) before quitting', async () => {
    expect(existsSync(path.join(dataDir, 'tryk.lock'))).toBe(true);
    const quit = navigation('');
    fake.appHandlers.get('will-quit')?.forEach((h) => h(quit.event));
    expect(quit.prevented()).toBe(true);
    await until(() => !existsSync(path.join(dataDir, 'tryk.lock')));
  });
});

describe('electron/main.ts when the keychain is unavailable', () => {
  it('shows a clear dialog, exits non-zero, and writes no store', async () => {
    const otherDir = path.join(fake.root, 'no-keychain');
    vi.stubEnv('TRYK_DATA_DIR', otherDir);
    fake.keychainAvailable = false;
    vi.resetModules();
    await import(/* @vite-ignore */ mainModule);
    fake.ready?.();
    await until(() => fake.errorBoxes.length > 0);
    expect(fake.errorBoxes[0]?.message).toMatch(/^Styresystemets nøglering er ikke tilgængelig/);
    expect(fake.errorBoxes[0]?.message).toContain(`Data: ${otherDir}`);
    expect(fake.exits).toEqual([1]);
    expect(fake.windows).toHaveLength(1);
    expect(existsSync(path.join(otherDir, 'tryk.key.json'))).toBe(false);
    expect(existsSync(path.join(otherDir, 'tryk.db'))).toBe(false);
  });
});
