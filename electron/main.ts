/**
 * The Electron entry: wires the pure policy of security.ts and host/desktop.ts to Electron's
 * hooks and starts the same services as the other hosts. Every decision lives in those tested
 * modules; this file only connects them, because it cannot run where the tests run.
 */
import path from 'node:path';
import { app as electron, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import type { Session, WebContents } from 'electron';
import { MAX_REQUEST_BYTES } from '../shared/bridge/contract';
import { fail } from '../shared/bridge/result';
import { IPC_EVENT, IPC_INVOKE } from '../shared/bridge/wire';
import { startApp } from './app';
import { newSession } from './bridge/dispatcher';
import type { CallerSession } from './bridge/dispatcher';
import type { App } from './app';
import { desktopDataDir, menuTemplate, PRODUCT_NAME, startupFailure } from './host/desktop';
import { staticResponse } from './host/static-files';
import { keychainStoreKey } from './keychain';
import { logFor } from './log';
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  browserWindowOptions,
  checkIpcRequest,
  contentSecurityPolicy,
  isAllowedRequest,
  isTrustedSender,
  navigationDecision,
  permissionDecision,
  securityHeaders,
  tileOriginsOf,
  withSecurityHeaders,
} from './security';
import { openStore, storeState } from './store/store';
import { readBundledBoundaries } from './boundaries/bundled';
import { DEFAULT_DEMO_DISTRICT, makeDemoStore, pickDistrict } from './demo/make-demo';

// Before `ready`: a standard, secure scheme gives the renderer a real origin (app://tryk) for
// CSP 'self' and sender checks, without file:// and its access to the whole disk.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

// The CLI's default data dir is <appData>/Tryk Console; make userData the same folder so the
// desktop app and `tryk status` find one store whatever package.json's name is.
electron.setPath('userData', path.join(electron.getPath('appData'), PRODUCT_NAME));

const devTools = !electron.isPackaged;
let mainWindow: BrowserWindow | null = null;
let running: App | null = null;
const log = logFor('desktop');

/** Logs channel and code only: payloads may hold personal data. */
function refuse(channel: unknown, code: 'unauthorized' | 'too_large' | 'bad_request') {
  log.warn(`bridge: refused ${JSON.stringify(String(channel)).slice(0, 80)} (${code})`);
}

/** Guards for every web contents, ours or any other that might appear. */
function harden(contents: WebContents) {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const guard = (event: { url: string; preventDefault(): void }) => {
    const decision = navigationDecision(event.url);
    if (decision !== 'allow') {
      event.preventDefault();
      log.warn(`navigation refused (${decision})`);
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  if (!devTools) contents.on('devtools-opened', () => contents.closeDevTools());
}

function hardenSession(ses: Session, csp: string, tileHosts: readonly string[]) {
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionDecision(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission));
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  // Exports go through the main process and the audit trail, never a browser download.
  ses.on('will-download', (event) => event.preventDefault());
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, { tileHosts, devTools });
    if (!allowed) log.warn(`request refused (${details.resourceType})`);
    callback({ cancel: !allowed });
  });
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders, details.resourceType, csp) }),
  );
  const headers = securityHeaders(csp);
  const rendererDir = path.join(electron.getAppPath(), 'dist', 'renderer');
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || url.username || url.password) return new Response(null, { status: 404, headers });
    const answer = await staticResponse(rendererDir, { method: request.method, pathname: url.pathname }, headers);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
}

function createWindow(app: App) {
  const preloadPath = path.join(electron.getAppPath(), 'dist', 'preload', 'preload.cjs');
  const win = new BrowserWindow(browserWindowOptions({ preloadPath, devTools }));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  const stop = app.subscribe((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, event, payload);
  });
  win.on('closed', stop);
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

async function openDesktopStore(dataDir: string) {
  const key = keychainStoreKey(safeStorage);
  if (storeState(dataDir) === 'none') {
    // First start: the demo store `tryk demo` makes, with the console's own boundaries.
    const boundaries = readBundledBoundaries(__dirname);
    const made = await makeDemoStore({
      dataDir,
      key,
      boundaries,
      district: pickDistrict(boundaries, DEFAULT_DEMO_DISTRICT),
      subscribers: 34_000,
      seed: 1,
      version: electron.getVersion(),
    });
    return made.store;
  }
  return openStore({ dataDir, key });
}

async function start() {
  const dataDir = desktopDataDir(process.env, electron.getPath('userData'));
  try {
    const store = await openDesktopStore(dataDir);
    running = await startApp({ store, host: 'electron', version: electron.getVersion() });
  } catch (error) {
    const failure = startupFailure(error, dataDir);
    log.error(`start-up failed (${failure.code})`);
    dialog.showErrorBox(failure.title, failure.message);
    electron.exit(1);
    return;
  }
  const app = running;
  const tileUrl = (await app.services.status()).map.tileUrl;
  const tileHosts = tileUrl ? (tileOriginsOf(tileUrl) ?? []) : [];
  if (tileUrl && tileHosts.length === 0) log.warn('map tiles off: the tile URL is not an https URL');
  const csp = contentSecurityPolicy({ tileHosts });
  hardenSession(session.defaultSession, csp, tileHosts);

  // Sign-in belongs to a window's contents: a reload keeps it, another window signs in itself.
  const sessions = new Map<number, CallerSession>();
  const sessionFor = (id: number) => {
    let s = sessions.get(id);
    if (!s) sessions.set(id, (s = newSession()));
    return s;
  };
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    const trusted =
      mainWindow !== null && event.sender === mainWindow.webContents && isTrustedSender(frame?.url, frame ? frame.parent === null : false);
    if (!trusted) {
      refuse(channel, 'unauthorized');
      return fail('unauthorized', 'Calls are accepted only from the console window');
    }
    const size = checkIpcRequest(payload, MAX_REQUEST_BYTES);
    if (!size.ok) {
      refuse(channel, size.code);
      return size.code === 'too_large'
        ? fail('too_large', `Requests are limited to ${MAX_REQUEST_BYTES} bytes`)
        : fail('bad_request', 'The request is not JSON data');
    }
    return app.dispatch({ host: 'electron', session: sessionFor(event.sender.id) }, channel, payload);
  });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate({ platform: process.platform, devTools })),
  );
  mainWindow = createWindow(app);
}

if (!electron.requestSingleInstanceLock()) {
  // One writer per store: a second start hands over to the first window and leaves.
  electron.quit();
} else {
  electron.enableSandbox();
  electron.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  electron.on('web-contents-created', (_event, contents) => harden(contents));
  electron.on('window-all-closed', () => electron.quit());
  let closed = false;
  electron.on('will-quit', (event) => {
    // Close the store (WAL checkpoint, lock released) before the process goes.
    if (closed || !running) return;
    event.preventDefault();
    void running.close().finally(() => {
      closed = true;
      electron.quit();
    });
  });
  electron
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      // Anything start() did not foresee still ends in a dialog, never a silent crash.
      const failure = startupFailure(error);
      log.error(`start-up failed (${failure.code})`);
      dialog.showErrorBox(failure.title, failure.message);
      electron.exit(1);
    });
}
