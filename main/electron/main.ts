import { app, clipboard, ipcMain, net, powerMonitor, session, shell, type Session, type WebContents } from 'electron';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STATE_EVENT, type AppState } from '../../shared/ipc-contract.js';
import { FileCredentialStore } from '../core/account/index.js';
import { describeError } from '../core/platform/index.js';
import { AppController } from '../desktop/app-controller.js';
import { startsHidden } from '../desktop/shell/autostart.js';
import { CALL_WINDOW_CHANNELS, createIpcHandlers } from '../desktop/ipc/handlers.js';
import { createFileLog } from '../desktop/log-file.js';
import { electronSettingsStore } from './electron-settings-store.js';
import { URL_SCHEME, findDeepLink, parseDeepLink } from '../desktop/shell/deep-link.js';
import { loadProvisioning, provisioningPath } from '../desktop/settings/provisioning.js';
import { trayModel, type TrayAction } from '../desktop/shell/tray-model.js';
import { TrayHostMonitor, probeTrayHost } from '../desktop/shell/tray-host.js';
import { autostartPort } from './autostart-port.js';
import { ElectronNotificationSink } from './electron-notification-sink.js';
import { serverRendersMarkup } from '../core/notify/index.js';
import { registerIpc } from './ipc.js';
import { credentialProtection } from './safe-storage-sealer.js';
import { CallWindow } from './call-window.js';
import { TrayView } from './tray.js';
import { SettingsWindow } from './settings-window.js';
import { APP_CSP } from './security.js';

/**
 * The Electron main process. It owns the AppController (and so the connection), which lives in
 * the tray with every window closed; the settings window is created on demand and destroyed on
 * close, so no renderer idles in memory all day.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const PAGE = join(HERE, '..', '..', 'renderer', 'index.html');
const PAGE_URL = pathToFileURL(PAGE).href;
const PRELOAD = join(HERE, '..', '..', 'preload', 'preload.cjs');
const CALL_PAGE = join(HERE, '..', '..', 'renderer', 'call.html');
const CALL_PAGE_URL = pathToFileURL(CALL_PAGE).href;
const APP_ID = 'net.voipbin.notifier';
const { version } = JSON.parse(readFileSync(join(HERE, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };

let tray: TrayView | undefined;
let controller: AppController | undefined;
let quitting = false;
/** The tray was created but this desktop shows no tray icons (stock GNOME): the window stands in. */
let trayMissing = false;

/** Nothing in the tray area: the window is the only sign the app is running and listening. */
function trayless(): boolean {
  return tray === undefined || trayMissing;
}

/** Nothing leaves a window: no new windows, no navigation, no webviews. */
function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

/** The window loads only its own files: every permission and every non-file request is refused. */
function lockDownSession(s: Session): void {
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.webRequest.onBeforeRequest((details, callback) => {
    const local = details.url.startsWith('file://') || details.url.startsWith('devtools://');
    callback({ cancel: !local });
  });
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
  });
}

const settingsWindow = new SettingsWindow({
  preload: PRELOAD,
  page: PAGE,
  title: () => (controller === undefined ? 'VoIPBIN Notifier' : trayModel(controller.state, Date.now()).windowTitle),
  trayless,
  quitting: () => quitting,
});

function showSettings(opts: { minimized?: boolean } = {}): void {
  settingsWindow.show(opts);
}

function createTray(log: { warn(message: string): void }): TrayView | undefined {
  try {
    return new TrayView(act, join(app.getAppPath(), 'assets'));
  } catch (e) {
    // Some Linux desktops have no tray host: the settings window (and a second launch) is the way in.
    log.warn(`no system tray: ${describeError(e)}`);
    return undefined;
  }
}

function act(a: TrayAction): void {
  const c = controller;
  if (c === undefined) return;
  switch (a.type) {
    case 'settings':
      showSettings();
      return;
    case 'quit':
      app.quit();
      return;
    case 'reconnect':
      try {
        c.reconnect();
      } catch {
        // Nothing to reconnect (signed out, or the sign-in expired): the window says what to do.
        showSettings();
      }
      return;
    case 'pause':
      void c.pause(a.choice);
      return;
    case 'mark-all-read':
      c.markRead();
      return;
    case 'open-history':
      void c.openHistoryItem(a.seq).then((r) => {
        if (!r.opened) showSettings();
      });
      return;
  }
}

async function ready(): Promise<void> {
  lockDownSession(session.defaultSession);
  const logFolder = app.getPath('logs');
  const fileLog = createFileLog({ dir: logFolder });
  const log = fileLog.logger;
  const userData = app.getPath('userData');
  // IT's machine-wide presets and locks; a broken file is reported in the window, never fatal.
  const provisioned = await loadProvisioning(provisioningPath(process.env));
  const protection = await credentialProtection();
  if (protection.warning !== undefined) log.warn(protection.warning);
  const autostart = autostartPort();
  // Assume markup until the server says otherwise: "&amp;" is a blemish, a planted link is not.
  let bodyMarkup = process.platform === 'linux';
  if (bodyMarkup) void serverRendersMarkup(process.env).then((m) => (bodyMarkup = m ?? true));
  const sink = new ElectronNotificationSink({
    bodyMarkup: () => bodyMarkup,
    onClick: (resourceId) => {
      void controller?.openResource(resourceId).then((r) => {
        if (!r.opened) showSettings();
      });
    },
  });
  const c = new AppController({
    version,
    credentials: new FileCredentialStore({ dir: userData, sealer: protection.sealer }),
    protection,
    settings: electronSettingsStore({ file: join(userData, 'settings.json'), provisioning: provisioned.provisioning }),
    provisioningProblem: provisioned.problem,
    sink,
    logger: log,
    logFolder,
    port: {
      copyToClipboard: (text) => clipboard.writeText(text),
      // Reached only through AppController.openResource/openCall, which open nothing but
      // https links of the configured console template's origin (isAllowedConsoleUrl).
      openExternal: (url) => shell.openExternal(url),
      openPath: (path) => shell.openPath(path),
      quit: () => app.quit(),
      ...autostart,
    },
    environment: {
      platform: `${process.platform} ${process.arch}`,
      electron: process.versions.electron ?? '?',
      chrome: process.versions.chrome ?? '?',
      node: process.versions.node,
    },
  });
  controller = c;
  const callWindow = new CallWindow({
    preload: PRELOAD,
    page: CALL_PAGE,
    onClosed: (ids) => {
      for (const id of ids) c.dismissRingingCall(id);
    },
  });
  registerIpc(ipcMain, createIpcHandlers(c, log), () => [
    { webContentsId: settingsWindow.webContentsId, pageUrl: PAGE_URL },
    { webContentsId: callWindow.webContentsId, pageUrl: CALL_PAGE_URL, channels: CALL_WINDOW_CHANNELS },
  ], log);

  tray = createTray(log);
  const trayHost = new TrayHostMonitor(
    () => probeTrayHost({ platform: process.platform, env: process.env }),
    (host, previous) => {
      trayMissing = host.status === 'missing';
      c.setTrayHost(host);
      if (previous === undefined) return;
      if (host.status === 'missing') {
        showSettings({ minimized: true });
      } else if (previous.status === 'missing') {
        // A tray host appeared (extension turned on, shell restarted): register the icon with it afresh.
        tray?.destroy();
        tray = createTray(log);
        tray?.update(c.state, Date.now());
      }
    },
  );

  let lastAlert: AppState['alert'] = null;
  c.on('state', (s) => {
    const now = Date.now();
    tray?.update(s, now);
    callWindow.update(s);
    const window = settingsWindow.current;
    if (window !== undefined) {
      window.setTitle(trayModel(s, now).windowTitle);
      window.webContents.send(STATE_EVENT, s);
    }
    const raised = s.alert !== null && (lastAlert === null || lastAlert.reason !== s.alert.reason);
    lastAlert = s.alert;
    // Without a tray, or with pop-ups refused, the window is the only place the alert can be seen.
    if (raised && (trayless() || s.alert?.reason === 'notifications_blocked')) showSettings();
  });

  powerMonitor.on('suspend', () => c.systemEvent('suspend'));
  powerMonitor.on('resume', () => {
    c.systemEvent('resume');
    if (process.platform === 'linux') void trayHost.check();
  });
  powerMonitor.on('lock-screen', () => c.systemEvent('lock-screen'));
  powerMonitor.on('unlock-screen', () => c.systemEvent('unlock-screen'));
  // Electron has no online/offline event in the main process; a cheap poll stands in.
  let online = net.isOnline();
  setInterval(() => {
    const now = net.isOnline();
    if (now !== online) c.systemEvent(now ? 'online' : 'offline');
    online = now;
  }, 5_000).unref();
  // "last event 2 min ago" ages by itself.
  setInterval(() => tray?.update(c.state, Date.now()), 30_000).unref();

  app.on('second-instance', (_event, argv) => {
    const link = findDeepLink(argv);
    if (link === undefined) showSettings();
    else openDeepLink(link);
  });
  // voipbin-notifier:// links come from anywhere on the machine: parseDeepLink accepts only
  // ://settings and ://call/<uuid>, and a call opens only inside the allowed console origin.
  if (!app.isDefaultProtocolClient(URL_SCHEME)) app.setAsDefaultProtocolClient(URL_SCHEME);
  app.on('activate', () => showSettings());
  app.on('before-quit', () => {
    if (quitting) return;
    quitting = true;
    c.stop();
    trayHost.stop();
    callWindow.destroy();
    tray?.destroy();
    void fileLog.close();
  });

  // Only Linux desktops can lack a tray host; elsewhere there is nothing to watch.
  if (process.platform === 'linux') await trayHost.start();
  await c.start();
  const hidden = startsHidden(process.argv, app.getLoginItemSettings().wasOpenedAtLogin);
  if (!hidden || !c.state.account.signedIn) showSettings();
  else if (trayless()) showSettings({ minimized: true });
  const startLink = pendingLink ?? findDeepLink(process.argv);
  pendingLink = undefined;
  if (startLink !== undefined) openDeepLink(startLink);
}

/** macOS delivers links through open-url, possibly before the app is ready: keep the last one. */
let pendingLink: string | undefined;

function openDeepLink(raw: string): void {
  const c = controller;
  if (c === undefined) {
    pendingLink = raw;
    return;
  }
  const link = parseDeepLink(raw);
  if (link.kind === 'call') {
    void c.openCall(link.callId).then((r) => {
      if (!r.opened) showSettings();
    });
    return;
  }
  showSettings();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
  });
  // Closing the last window must not quit: the connection lives in the tray.
  app.on('window-all-closed', () => undefined);
  app.whenReady().then(ready).catch((e: unknown) => {
    console.error('VoIPBIN Notifier failed to start', e);
    app.exit(1);
  });
}
