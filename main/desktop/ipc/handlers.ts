import { ZodError } from 'zod';
import { CHANNELS, type Channel, type Envelope, type IpcError, type RequestOf, type ResponseOf } from '../../../shared/ipc-contract.js';
import { describeError, isNotifierError, type Logger, redactor } from '../../core/platform/index.js';
import type { DesktopApp } from '../desktop-app.js';

/**
 * Channel → handler, each request validated with the shared contract before the app sees it. No Electron here: main/electron/ipc.ts registers these with ipcMain after checking who is
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

export function createIpcHandlers(app: DesktopApp, logger: Logger): IpcHandlers {
  const log = logger.child({ component: 'ipc' });
  const impl: Impl = {
    'state:get': () => app.state,
    'account:sign-in': (req) => app.signIn(req),
    'account:sign-out': () => app.signOut(),
    'connection:reconnect': () => app.reconnect(),
    'subscriptions:get': () => app.subscriptions.view(),
    'subscriptions:set': (req) => app.subscriptions.set(req.topics),
    'notifications:get-settings': () => app.notifications.settings,
    'notifications:update': (req) => app.notifications.update(req),
    'notifications:pause': (req) => app.notifications.pause(req.choice),
    'notifications:test': () => app.notifications.sendTest(),
    'presence:set': (req) => app.setStatus(req.status),
    'notifications:history': (req) => app.notifications.history(req.limit),
    'notifications:open': (req) => app.notifications.openHistoryItem(req.seq),
    'notifications:mark-read': (req) => app.notifications.markRead(req.seq),
    'webhook:get': () => app.webhook.get(),
    'webhook:set': (req) => app.webhook.set(req),
    'webhook:disable': () => app.webhook.disable(),
    'webhook:copy-secret': () => app.webhook.copySecret(),
    'webhook:test': (req) => app.webhook.test(req),
    'app:get-preferences': () => app.preferences.view(),
    'app:set-preferences': (req) => app.preferences.set(req),
    'diagnostics:copy': () => app.diagnostics.copy(),
    'logs:open-folder': () => app.diagnostics.openLogFolder(),
    'app:quit': () => app.quit(),
    'calls:open': (req) => app.ringing.open(req.id),
    'calls:open-contact': (req) => app.ringing.openContact(req.id),
    'calls:dismiss': (req) => app.ringing.dismiss(req.id),
    'calls:copy-transcript': (req) => app.transcripts.copyLive(req.id),
    'notifications:copy-transcript': (req) => app.transcripts.copyFromHistory(app.notifications.historyItem(req.seq)),
    'replies:save': (req) => app.replies.save(req.id, req.text),
    'replies:send': (req) => app.replies.send(req.id, req.text),
    'replies:discard': (req) => app.replies.discard(req.id),
  };
  const wrap =
    (channel: Channel): IpcHandler =>
    async (payload) => {
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
