import { ZodError } from 'zod';
import { CHANNELS, type Channel, type Envelope, type IpcError, type RequestOf, type ResponseOf } from '../../../shared/ipc-contract.js';
import { describeError, isNotifierError, type Logger, redactor } from '../../core/platform/index.js';
import type { AppController } from '../app-controller.js';

/**
 * Channel → handler, each request validated with the shared contract before the controller sees
 * it. No Electron here: main/electron/ipc.ts registers these with ipcMain after checking who is
 * asking, and the browser tests call the very same map through their test bridge.
 */
export type IpcHandler = (payload: unknown) => Promise<Envelope<unknown>>;
export type IpcHandlers = Readonly<Record<Channel, IpcHandler>>;

type Impl = { [C in Channel]: (req: RequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C> };

export function toIpcError(e: unknown): IpcError {
  if (e instanceof ZodError) {
    const issue = e.issues[0];
    const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
    return { code: 'bad_request', message: `${where}${issue?.message ?? 'invalid request'}` };
  }
  if (isNotifierError(e)) return { code: e.code, message: redactor.redact(e.userMessage) };
  return { code: 'internal', message: redactor.redact(`Something went wrong: ${describeError(e)}`) };
}

export function createIpcHandlers(app: AppController, logger: Logger): IpcHandlers {
  const log = logger.child({ component: 'ipc' });
  const impl: Impl = {
    'state:get': () => app.state,
    'account:sign-in': (req) => app.signIn(req),
    'account:sign-out': () => app.signOut(),
    'connection:reconnect': () => app.reconnect(),
    'subscriptions:get': () => app.subscriptions(),
    'subscriptions:set': (req) => app.setSubscriptions(req.topics),
    'notifications:get-settings': () => app.notificationSettings,
    'notifications:set-settings': (req) => app.setNotificationSettings(req),
    'notifications:pause': (req) => app.pause(req.choice),
    'notifications:test': () => app.sendTestNotification(),
    'notifications:history': (req) => app.history(req.limit),
    'notifications:open': (req) => app.openHistoryItem(req.seq),
    'notifications:mark-read': (req) => app.markRead(req.seq),
    'webhook:get': () => app.webhook(),
    'webhook:set': (req) => app.setWebhook(req),
    'webhook:disable': () => app.disableWebhook(),
    'webhook:copy-secret': () => app.copyWebhookSecret(),
    'webhook:test': (req) => app.testWebhook(req),
    'app:get-preferences': () => app.preferences,
    'app:set-preferences': (req) => app.setPreferences(req),
    'diagnostics:copy': () => app.copyDiagnostics(),
    'logs:open-folder': () => app.openLogFolder(),
    'app:quit': () => app.quit(),
    'calls:open': (req) => app.openRingingCall(req.id),
    'calls:dismiss': (req) => app.dismissRingingCall(req.id),
  };
  const wrap = (channel: Channel): IpcHandler => async (payload) => {
    // The map above is checked channel by channel; here every request has passed its own schema.
    const run = impl[channel] as (req: unknown) => unknown;
    try {
      const req: unknown = CHANNELS[channel].request.parse(payload);
      const value: unknown = await run(req);
      return { ok: true, value };
    } catch (e) {
      const error = toIpcError(e);
      log.info(`${channel} refused: ${error.code}`, { message: error.message });
      return { ok: false, error };
    }
  };
  const handlers = {} as Record<Channel, IpcHandler>;
  for (const channel of Object.keys(CHANNELS) as Channel[]) handlers[channel] = wrap(channel);
  return handlers;
}

/** Who may call: only one of our windows' own frame, showing its own page. */
export interface SenderInfo {
  webContentsId: number;
  /** URL of the frame that sent the message. */
  frameUrl: string;
  isMainFrame: boolean;
}

export interface TrustedWindow {
  webContentsId: number | undefined;
  pageUrl: string;
  /** The channels this window may use; every channel when absent (the settings window). */
  channels?: readonly Channel[];
}

/** The call window needs its state and its two buttons, nothing that reads or changes the account. */
export const CALL_WINDOW_CHANNELS: readonly Channel[] = ['state:get', 'calls:open', 'calls:dismiss'];

/** A channel is answered only for a trusted window that may use it. */
export function mayInvoke(channel: Channel, sender: SenderInfo, windows: readonly TrustedWindow[]): boolean {
  return windows.some((w) => isTrustedSender(sender, w) && (w.channels === undefined || w.channels.includes(channel)));
}

export function isTrustedSender(sender: SenderInfo, trusted: TrustedWindow): boolean {
  if (trusted.webContentsId === undefined || sender.webContentsId !== trusted.webContentsId) return false;
  if (!sender.isMainFrame) return false;
  let url: URL;
  let expected: URL;
  try {
    url = new URL(sender.frameUrl);
    expected = new URL(trusted.pageUrl);
  } catch {
    return false;
  }
  // Compare without the fragment: the window may use #panel anchors.
  return url.protocol === expected.protocol && url.host === expected.host && url.pathname === expected.pathname && url.search === expected.search;
}
