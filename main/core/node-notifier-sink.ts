import nodeNotifier from 'node-notifier';
import type { NotificationSink, PopUp } from './notification-center.js';
import type { WithdrawReason } from './call-offers.js';

/**
 * OS notifications through node-notifier: notify-send on Linux, terminal-notifier on macOS,
 * SnoreToast on Windows (with the app's AppUserModelID, without which Windows drops toasts).
 * Used by the headless command; the GUI uses Electron's Notification instead.
 *
 * Withdrawing: macOS and Windows can remove a notification by id. notify-send cannot close one,
 * so on Linux the pop-up is replaced in place (same stack tag) by a short-lived outcome.
 */
export const APP_NAME = 'VoIPBIN Notifier';
export const APP_ID = 'net.voipbin.notifier';

export interface NodeNotifierSinkOptions {
  platform?: NodeJS.Platform;
  appId?: string;
}

const OUTCOME: Record<WithdrawReason, string> = {
  answered: 'Call answered',
  missed: 'Call missed',
  ended: 'Call ended',
  routed: 'Call routed to an agent',
};

type Send = (options: Record<string, unknown>) => Promise<void>;

/** "Command failed: notify-send …\nCannot autolaunch D-Bus…" → the helper's own last words. */
function reasonOf(err: Error): string {
  const lines = err.message.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('Command failed'));
  return lines.at(-1) ?? err.message;
}

function promisify(notify: (o: Record<string, unknown>, cb: (err: Error | null) => void) => unknown): Send {
  return (options) =>
    new Promise((resolve, reject) => {
      // On success node-notifier passes the helper's stderr (often '') as the "error": only an Error fails.
      notify(options, (err: unknown) => (err instanceof Error ? reject(new Error(reasonOf(err))) : resolve()));
    });
}

export class NodeNotifierSink implements NotificationSink {
  readonly name = 'node-notifier';
  private readonly platform: NodeJS.Platform;
  private readonly appId: string;
  private readonly send: Send;
  /** SnoreToast closes by numeric id. */
  private readonly numericIds = new Map<string, number>();
  private nextId = 1;

  constructor(opts: NodeNotifierSinkOptions = {}) {
    this.platform = opts.platform ?? process.platform;
    this.appId = opts.appId ?? APP_ID;
    const backend =
      this.platform === 'linux' ? new nodeNotifier.NotifySend()
      : this.platform === 'darwin' ? new nodeNotifier.NotificationCenter()
      : this.platform === 'win32' ? new nodeNotifier.WindowsToaster()
      : undefined;
    this.send = backend === undefined
      ? () => Promise.reject(new Error(`notifications are not supported on ${this.platform}`))
      : promisify((o, cb) => backend.notify(o, cb));
  }

  async show(p: PopUp): Promise<void> {
    await this.send(this.options(p));
  }

  async withdraw(resourceId: string, reason: WithdrawReason): Promise<void> {
    if (this.platform === 'darwin') {
      await this.send({ remove: resourceId });
    } else if (this.platform === 'win32') {
      const id = this.numericIds.get(resourceId);
      if (id !== undefined) await this.send({ remove: id, appID: this.appId });
    } else if (reason !== 'missed') {
      // A missed call replaces the pop-up itself with its own notification.
      await this.send({
        title: OUTCOME[reason], message: ' ', 'app-name': APP_NAME, urgency: 'low', 'expire-time': 3,
        hint: `string:x-dunst-stack-tag:${resourceId}`,
      });
    }
    this.numericIds.delete(resourceId);
  }

  private options(p: PopUp): Record<string, unknown> {
    const isCall = p.kind === 'incoming_call';
    if (this.platform === 'darwin') {
      return { title: p.title, message: p.body, group: p.resourceId, sound: p.sound, timeout: isCall ? 60 : 10 };
    }
    if (this.platform === 'win32') {
      const id = this.nextId++;
      this.numericIds.set(p.resourceId, id);
      return { title: p.title, message: p.body, appID: this.appId, id, sound: p.sound };
    }
    return {
      title: p.title,
      message: p.body,
      'app-name': APP_NAME,
      urgency: p.urgent ? 'critical' : 'normal',
      category: isCall ? 'call.incoming' : p.kind === 'missed_call' ? 'call.unanswered' : 'im.received',
      // 0 = until dismissed: a ringing call stays until it is answered or ends.
      'expire-time': isCall ? 0 : 10,
      hint: `string:x-dunst-stack-tag:${p.resourceId}`,
    };
  }
}
