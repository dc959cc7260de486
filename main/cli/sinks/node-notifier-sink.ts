import type { NotificationSink, PopUp } from '../../core/notify/index.js';

/**
 * OS notifications through node-notifier on macOS (terminal-notifier) and Windows (SnoreToast,
 * with the app's AppUserModelID, without which Windows drops toasts), for the headless command;
 * Linux desktops get freedesktop-sink.ts, which can close what it showed. Both helpers are run
 * with an argument vector (no shell), and no text may start with "-", where their own argument
 * parsers would take it for an option.
 */
export const APP_ID = 'net.voipbin.notifier';

export interface NodeNotifierSinkOptions {
  platform?: NodeJS.Platform;
  appId?: string;
}

/** U+2060 WORD JOINER: invisible, and keeps a leading "-" from being read as an option. */
export function notOption(text: string): string {
  return text.startsWith('-') ? `\u2060${text}` : text;
}

type Send = (options: Record<string, unknown>) => Promise<void>;

/** "Command failed: notify-send …\nCannot autolaunch D-Bus…" → the helper's own last words. */
function reasonOf(err: Error): string {
  const lines = err.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('Command failed'));
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
    const platform = this.platform;
    if (platform !== 'darwin' && platform !== 'win32') {
      this.send = () => Promise.reject(new Error(`notifications are not supported on ${platform}`));
      return;
    }
    // Loaded with the first pop-up: `--notify none` and Linux never pay for node-notifier.
    let backend: Promise<Send> | undefined;
    this.send = (options) => {
      backend ??= import('node-notifier').then(({ default: lib }) => {
        const b = platform === 'darwin' ? new lib.NotificationCenter() : new lib.WindowsToaster();
        return promisify((o, cb) => b.notify(o, cb));
      });
      return backend.then((send) => send(options));
    };
  }

  async show(p: PopUp): Promise<void> {
    // SnoreToast cannot update a toast: take the old one of this resource away first.
    if (this.platform === 'win32' && this.numericIds.has(p.resourceId)) await this.withdraw(p.resourceId);
    await this.send(this.options(p));
  }

  async withdraw(resourceId: string): Promise<void> {
    if (this.platform === 'darwin') {
      await this.send({ remove: resourceId });
    } else {
      const id = this.numericIds.get(resourceId);
      if (id !== undefined) await this.send({ remove: id, appID: this.appId });
    }
    this.numericIds.delete(resourceId);
  }

  /** Exactly what each helper is given for a pop-up (exported for the tests of what cannot run here). */
  options(p: PopUp): Record<string, unknown> {
    const title = notOption(p.title);
    const message = notOption(p.body);
    if (this.platform === 'darwin') {
      // The same group replaces the earlier pop-up of the resource in place.
      return { title, message, group: p.resourceId, sound: p.sound, timeout: p.kind === 'incoming_call' ? 60 : 10 };
    }
    const id = this.nextId++;
    this.numericIds.set(p.resourceId, id);
    return { title, message, appID: this.appId, id, sound: p.sound };
  }
}
