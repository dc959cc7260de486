import { Notification } from 'electron';
import type { NotificationSink, PopUp, PopUpAction } from '../core/notify/index.js';
import { escapeMarkup } from '../core/platform/index.js';

/**
 * OS pop-ups through Electron's Notification. One live notification per resource: a newer one
 * for the same call replaces it, a withdrawal closes it. Calls stay until dealt with
 * (timeoutType 'never': GNOME otherwise removes them after a few seconds) and are critical
 * while breaking through Do Not Disturb. A click is handed to `onClick` (deep link).
 *
 * On Linux, Electron hands the body to libnotify as it is, and most notification servers read it
 * as markup: there it is escaped, so a caller's "<b>" or "<a href>" shows as typed.
 *
 * A message that can be answered gets the OS's inline reply where it has one (macOS, Windows:
 * the text comes back in 'reply') or a "Reply" button (Linux: the app opens its reply window).
 * A pop-up with an action of the app's own (the busy trap's "Set Available") gets a button for it,
 * after Reply: pressed, its id goes to `onAction`.
 */
export type ReplyStyle = 'inline' | 'action';
export interface ElectronNotificationSinkOptions {
  onClick(resourceId: string): void;
  /** Windows reports failures; elsewhere silence means shown. */
  shownTimeoutMs?: number;
  icon?: string | undefined;
  /** Whether the desktop's notification server renders body markup (Linux; asked over D-Bus at start). */
  bodyMarkup?: () => boolean;
  replyStyle?: ReplyStyle;
  /** Typed into the pop-up's inline reply. */
  onReply?(resourceId: string, text: string): void;
  /** The pop-up's Reply button. */
  onReplyAction?(resourceId: string): void;
  /** The pop-up's own action button (PopUp.action). */
  onAction?(resourceId: string, action: PopUpAction['id']): void;
}

const REPLY_LABEL = 'Reply';

export class ElectronNotificationSink implements NotificationSink {
  readonly name = 'electron';
  private readonly live = new Map<string, Notification>();

  constructor(private readonly opts: ElectronNotificationSinkOptions) {}

  show(p: PopUp): Promise<void> {
    if (!Notification.isSupported()) return Promise.reject(new Error('this system does not support notifications'));
    // The buttons in the order shown: an 'action' event names one by its index.
    const buttons = this.buttons(p);
    const n = new Notification({
      title: p.title,
      body: this.opts.bodyMarkup?.() === true ? escapeMarkup(p.body) : p.body,
      silent: !p.sound,
      urgency: p.urgent ? 'critical' : 'normal',
      timeoutType: p.kind === 'incoming_call' ? 'never' : 'default',
      ...(this.opts.icon !== undefined ? { icon: this.opts.icon } : {}),
      ...(p.replyTo !== undefined && this.opts.replyStyle === 'inline' ? { hasReply: true, replyPlaceholder: 'Reply…' } : {}),
      ...(buttons.length > 0 ? { actions: buttons.map((b) => ({ type: 'button' as const, text: b.text })) } : {}),
    });
    this.live.get(p.resourceId)?.close();
    this.live.set(p.resourceId, n);
    n.on('click', () => this.opts.onClick(p.resourceId));
    n.on('reply', (details, legacy) => {
      // Electron 45 puts the text in details.reply; older ones passed it as the second argument.
      const text = typeof details.reply === 'string' ? details.reply : typeof legacy === 'string' ? legacy : '';
      this.opts.onReply?.(p.resourceId, text);
    });
    n.on('action', (details) => buttons[details.actionIndex]?.press());
    n.on('close', () => {
      if (this.live.get(p.resourceId) === n) this.live.delete(p.resourceId);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, this.opts.shownTimeoutMs ?? 3_000);
      n.once('show', () => {
        clearTimeout(timer);
        resolve();
      });
      n.once('failed', (_event, error) => {
        clearTimeout(timer);
        this.live.delete(p.resourceId);
        reject(new Error(error));
      });
      n.show();
    });
  }

  private buttons(p: PopUp): { text: string; press(): void }[] {
    const out: { text: string; press(): void }[] = [];
    if (p.replyTo !== undefined && this.opts.replyStyle !== 'inline') out.push({ text: REPLY_LABEL, press: () => this.opts.onReplyAction?.(p.resourceId) });
    const action = p.action;
    if (action !== undefined) out.push({ text: action.label, press: () => this.opts.onAction?.(p.resourceId, action.id) });
    return out;
  }

  /** Closing is the same for every reason: the center announces a missed call separately. */
  withdraw(resourceId: string): Promise<void> {
    this.live.get(resourceId)?.close();
    this.live.delete(resourceId);
    return Promise.resolve();
  }
}
