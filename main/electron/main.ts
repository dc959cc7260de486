import { app, clipboard, ipcMain, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STATE_EVENT, type AppState } from '../../shared/ipc-contract.js';
import { FileCredentialStore } from '../core/account/index.js';
import { serverRendersMarkup } from '../core/notify/index.js';
import { describeError, tuneHeapGrowth, type Logger } from '../core/platform/index.js';
import { DesktopApp } from '../desktop/desktop-app.js';
import { createIpcHandlers } from '../desktop/ipc/handlers.js';
import { CALL_WINDOW_CHANNELS, REPLY_WINDOW_CHANNELS } from '../desktop/ipc/window-trust.js';
import { createFileLog } from '../desktop/log-file.js';
import { loadProvisioning, provisioningPath } from '../desktop/settings/provisioning.js';
import { startsHidden } from '../desktop/shell/autostart.js';
import { URL_SCHEME, findDeepLink, parseDeepLink } from '../desktop/shell/deep-link.js';
import { runTrayAction } from '../desktop/shell/tray-actions.js';
import { TrayHostMonitor, probeTrayHost } from '../desktop/shell/tray-host.js';
import { trayModel } from '../desktop/shell/tray-model.js';
import { alertOpensWindow, clickOpensSettings, trayless, windowAtStart } from '../desktop/shell/window-policy.js';
import { autostartPort } from './autostart-port.js';
import { quitFromApp } from './quit-confirm.js';
import { CallWindow } from './call-window.js';
import { ElectronNotificationSink } from './electron-notification-sink.js';
import { electronSettingsStore } from './electron-settings-store.js';
import { registerIpc } from './ipc.js';
import { ReplyWindow } from './reply-window.js';
import { credentialProtection } from './safe-storage-sealer.js';
import { hardenContents, lockDownSession } from './security.js';
import { SettingsWindow } from './settings-window.js';
import { watchSystemEvents } from './system-events.js';
import { TrayView } from './tray.js';

/**
 * The Electron main process: wiring only. The DesktopApp owns the connection, which lives in the
 * tray with every window closed; the settings window is created on demand and destroyed on
 * close, so no renderer idles in memory all day. What the app decides lives in main/desktop.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const PAGE = join(HERE, '..', '..', 'renderer', 'index.html');
const PAGE_URL = pathToFileURL(PAGE).href;
const PRELOAD = join(HERE, '..', '..', 'preload', 'preload.cjs');
const CALL_PAGE = join(HERE, '..', '..', 'renderer', 'call.html');
const CALL_PAGE_URL = pathToFileURL(CALL_PAGE).href;
const REPLY_PAGE = join(HERE, '..', '..', 'renderer', 'reply.html');
const REPLY_PAGE_URL = pathToFileURL(REPLY_PAGE).href;
const APP_ID = 'net.voipbin.notifier';

let tray: TrayView | undefined;
let desktop: DesktopApp | undefined;
let quitting = false;
/** The tray was created but this desktop shows no tray icons (stock GNOME): the window stands in. */
let trayHostMissing = false;
const windowStandsIn = (): boolean => trayless(tray !== undefined, trayHostMissing ? 'missing' : 'available');

const settingsWindow = new SettingsWindow({
  preload: PRELOAD,
  page: PAGE,
  title: () => (desktop === undefined ? 'VoIPBIN Notifier' : trayModel(desktop.state, Date.now()).windowTitle),
  trayless: windowStandsIn,
  quitting: () => quitting,
});
const showSettings = (opts: { minimized?: boolean } = {}): void => settingsWindow.show(opts);
const replyWindow = new ReplyWindow({ preload: PRELOAD, page: REPLY_PAGE });
/** Quit from the tray or the settings window: asks first when replies would be lost (quit-confirm.ts). */
const quitAsked = (): void => {
  const d = desktop;
  if (d === undefined) app.quit();
  else quitFromApp(d, () => replyWindow.reveal(d.state));
};

function createTray(d: DesktopApp, log: Logger): TrayView | undefined {
  try {
    return new TrayView((a) => void runTrayAction(a, d, { showSettings, quit: quitAsked }), join(app.getAppPath(), 'assets'));
  } catch (e) {
    // Some Linux desktops have no tray host: the settings window (and a second launch) is the way in.
    log.warn(`no system tray: ${describeError(e)}`);
    return undefined;
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
  // Assume markup until the server says otherwise: "&amp;" is a blemish, a planted link is not.
  let bodyMarkup = process.platform === 'linux';
  if (bodyMarkup) void serverRendersMarkup(process.env).then((m) => (bodyMarkup = m ?? true));
  const sink = new ElectronNotificationSink({
    bodyMarkup: () => bodyMarkup,
    onClick: (resourceId) => void desktop?.clicked(resourceId).then((r) => (clickOpensSettings(r) ? showSettings() : undefined)),
    // Electron has an inline reply field on macOS and Windows; elsewhere a Reply button opens the reply window.
    replyStyle: process.platform === 'darwin' || process.platform === 'win32' ? 'inline' : 'action',
    onReply: (resourceId, text) => void desktop?.replies.inline(resourceId, text),
    onReplyAction: (resourceId) => void desktop?.replies.start(resourceId),
    // The busy trap's reminder: one press sets me available; a failure is said in the window, as from the tray.
    onAction: (_resourceId, action) => {
      if (action === 'set-available') void desktop?.reminderPressed().then((r) => (r.ok ? undefined : showSettings()));
    },
  });
  const d = new DesktopApp({
    // Electron reads it from the app's package.json.
    version: app.getVersion(),
    credentials: new FileCredentialStore({ dir: userData, sealer: protection.sealer }),
    protection,
    settings: electronSettingsStore({ file: join(userData, 'settings.json'), provisioning: provisioned.provisioning }),
    provisioningProblem: provisioned.problem,
    sink,
    logger: log,
    logFolder,
    port: {
      copyToClipboard: (text) => clipboard.writeText(text),
      // Reached only through desktop/features/console.ts, which opens nothing but links built
      // from the configured console template, to its own origin (isAllowedConsoleUrl).
      openExternal: (url) => shell.openExternal(url),
      openPath: (path) => shell.openPath(path),
      quit: quitAsked,
      ...autostartPort(),
    },
    environment: {
      platform: `${process.platform} ${process.arch}`,
      electron: process.versions.electron ?? '?',
      chrome: process.versions.chrome ?? '?',
      node: process.versions.node,
    },
  });
  desktop = d;
  const callWindow = new CallWindow({
    preload: PRELOAD,
    page: CALL_PAGE,
    onClosed: (ids) => ids.forEach((id) => (id.startsWith('live:') ? d.transcripts.dismiss(id.slice(5)) : d.ringing.dismiss(id))),
  });
  registerIpc(
    ipcMain,
    createIpcHandlers(d, log),
    () => [
      { webContentsId: settingsWindow.webContentsId, pageUrl: PAGE_URL },
      { webContentsId: callWindow.webContentsId, pageUrl: CALL_PAGE_URL, channels: CALL_WINDOW_CHANNELS },
      { webContentsId: replyWindow.webContentsId, pageUrl: REPLY_PAGE_URL, channels: REPLY_WINDOW_CHANNELS },
    ],
    log,
  );

  tray = createTray(d, log);
  const trayHost = new TrayHostMonitor(
    () => probeTrayHost({ platform: process.platform, env: process.env }),
    (host, previous) => {
      trayHostMissing = host.status === 'missing';
      d.setTrayHost(host);
      if (previous === undefined) return;
      if (host.status === 'missing') {
        showSettings({ minimized: true });
      } else if (previous.status === 'missing') {
        // A tray host appeared (extension turned on, shell restarted): register the icon with it afresh.
        tray?.destroy();
        tray = createTray(d, log);
        tray?.update(d.state, Date.now());
      }
    },
  );

  let lastAlert: AppState['alert'] = null;
  d.on('state', (s) => {
    const now = Date.now();
    tray?.update(s, now);
    callWindow.update(s);
    replyWindow.update(s);
    const window = settingsWindow.current;
    if (window !== undefined) {
      window.setTitle(trayModel(s, now).windowTitle);
      window.webContents.send(STATE_EVENT, s);
    }
    const opens = alertOpensWindow(lastAlert, s.alert, windowStandsIn());
    lastAlert = s.alert;
    if (opens) showSettings();
  });
  const stopWatching = watchSystemEvents(
    (e) => void d.systemEvent(e),
    () => void (process.platform === 'linux' ? trayHost.check() : undefined),
  );
  // "last event 2 min ago" ages by itself.
  setInterval(() => tray?.update(d.state, Date.now()), 30_000).unref();

  app.on('second-instance', (_event, argv) => {
    const link = findDeepLink(argv);
    if (link === undefined) showSettings();
    else openDeepLink(link);
  });
  // voipbin-notifier:// links come from anywhere on the machine: parseDeepLink accepts only
  // ://settings and ://call/<uuid>, and a call opens only inside the allowed console origin.
  if (!app.isDefaultProtocolClient(URL_SCHEME)) app.setAsDefaultProtocolClient(URL_SCHEME);
  app.on('activate', () => showSettings());
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Quit waits: the socket closed, the last pop-up handed over, the log flushed.
    event.preventDefault();
    quitting = true;
    stopWatching();
    trayHost.stop();
    callWindow.destroy();
    replyWindow.destroy();
    tray?.destroy();
    void d
      .stop()
      .catch((e: unknown) => log.error(`stopping: ${describeError(e)}`))
      .then(() => fileLog.close())
      .finally(() => app.quit());
  });

  // Only Linux desktops can lack a tray host; elsewhere there is nothing to watch.
  if (process.platform === 'linux') await trayHost.start();
  await d.start();
  const atStart = windowAtStart(startsHidden(process.argv, app.getLoginItemSettings().wasOpenedAtLogin), d.state.account.signedIn, windowStandsIn());
  if (atStart !== 'none') showSettings({ minimized: atStart === 'minimised' });
  const startLink = pendingLink ?? findDeepLink(process.argv);
  pendingLink = undefined;
  if (startLink !== undefined) openDeepLink(startLink);
}

/** macOS delivers links through open-url, possibly before the app is ready: keep the last one. */
let pendingLink: string | undefined;

function openDeepLink(raw: string): void {
  const d = desktop;
  if (d === undefined) {
    pendingLink = raw;
    return;
  }
  const link = parseDeepLink(raw);
  if (link.kind === 'call') void d.openCall(link.callId).then((r) => (r.opened ? undefined : showSettings()));
  else showSettings();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  // The connection lives in this process all day: the same old-generation growth as the command.
  // Its young generation stays at V8's default: that is fixed when the heap is made, and only
  // Electron's own command line (`--js-flags`, not app.commandLine, which is read after the main
  // process's V8 started) could change it — a launcher wrapper on every platform. The
  // command's budget is what the benchmark holds us to; the desktop's windows cost far more than that.
  tuneHeapGrowth();
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
  });
  // Closing the last window must not quit: the connection lives in the tray.
  app.on('window-all-closed', () => undefined);
  app
    .whenReady()
    .then(ready)
    .catch((e: unknown) => {
      console.error('VoIPBIN Notifier failed to start', e);
      app.exit(1);
    });
}
