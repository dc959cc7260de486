import {
  type NotificationSink,
  type PopUp,
  type ResourceRef,
  NotificationService,
  type HintValue,
  type NotificationServiceEvents,
  type PopUpAction as AppAction,
} from '../../core/notify/index.js';
import { describeError, escapeMarkup } from '../../core/platform/index.js';

/**
 * OS pop-ups on Linux desktops for the headless command, through the freedesktop notification
 * service itself (freedesktop-notifications.ts) rather than notify-send: each pop-up's id is kept,
 * so a call answered elsewhere is closed on every daemon (GNOME Shell, Plasma, xfce4-notifyd,
 * dunst, mako), a missed call replaces its ringing pop-up in place, and the text is only ever text
 * (escaped where the server renders body markup).
 *
 * The connection is made on the first pop-up and made again after it is lost (the daemon or the
 * session restarted): a refusal is reported by the center, the next pop-up tries afresh.
 */
export const APP_NAME = 'VoIPBIN Notifier';

export interface FreedesktopSinkOptions {
  env?: NodeJS.ProcessEnv;
  /** Absolute path of the app icon shown on each pop-up. */
  icon?: string | undefined;
  /**
   * Opens a call in the VoIPBIN console. With it, call pop-ups get an "Open in console" button
   * (and a click on the pop-up does the same) where the server shows actions.
   */
  openConsole?(resource: ResourceRef): void;
  /** The agent used one of a pop-up's actions: after the sink did what it means. */
  onAction?(action: PopUpAction): void;
}

export interface PopUpAction {
  resourceId: string;
  /** set_available: the app's own button (the busy trap's reminder, PopUp.action). */
  action: 'open_in_console' | 'dismiss' | 'set_available';
}

/** The spec's action list: key, label, key, label … ("default" is a click on the pop-up itself). */
const CONSOLE_ACTIONS = ['default', 'Open in console', 'console', 'Open in console'] as const;
const DISMISS_ACTION = ['dismiss', 'Dismiss'] as const;

const URGENCY = { low: 0, normal: 1, critical: 2 } as const;

function category(kind: PopUp['kind']): string | undefined {
  if (kind === 'incoming_call') return 'call.incoming';
  if (kind === 'missed_call') return 'call.unanswered';
  if (kind === 'inbound_message' || kind === 'chat_message') return 'im.received';
  return undefined;
}

export class FreedesktopSink implements NotificationSink {
  readonly name = 'freedesktop';
  private service: Promise<NotificationService> | undefined;
  /** resource id → the server's id of its pop-up on screen, and back. */
  private readonly ids = new Map<string, number>();
  private readonly resources = new Map<number, string>();
  /**
   * Pop-ups that never expire and are closed when the notifier stops: ringing calls (nobody could
   * close them later) and those with a button of the app's own (nobody could act on it later).
   */
  private readonly closeAtStop = new Set<string>();
  /** The app's own button on each pop-up that has one (PopUp.action). */
  private readonly appActions = new Map<string, AppAction['id']>();
  /** The call each pop-up on screen is about, for its console action. */
  private readonly calls = new Map<string, ResourceRef>();

  constructor(private readonly opts: FreedesktopSinkOptions = {}) {}

  async show(p: PopUp): Promise<void> {
    const svc = await this.connected();
    const hints: Record<string, HintValue> = { urgency: { type: 'byte', value: p.urgent ? URGENCY.critical : URGENCY.normal } };
    // A pop-up with the app's own button stays when the button is used (GNOME and Plasma remove it
    // otherwise): if the action fails, the reminder is still there; it is withdrawn when it stops being true.
    if (p.action !== undefined) hints.resident = { type: 'boolean', value: true };
    const cat = category(p.kind);
    if (cat !== undefined) hints.category = { type: 'string', value: cat };
    if (!p.sound) hints['suppress-sound'] = { type: 'boolean', value: true };
    else hints['sound-name'] = { type: 'string', value: p.kind === 'incoming_call' ? 'phone-incoming-call' : 'message-new-instant' };
    // A reminder with a button stays until it is used or no longer true (it is withdrawn then), like a ringing call.
    const held = p.kind === 'incoming_call' || p.action !== undefined;
    const id = await svc.notify({
      appName: APP_NAME,
      // Same resource: replace it where it stands (a ringing call becoming a missed call).
      replacesId: this.ids.get(p.resourceId) ?? 0,
      appIcon: this.opts.icon ?? '',
      // The summary is plain text by the spec; only the body may be read as markup.
      summary: p.title,
      body: svc.capabilities.has('body-markup') ? escapeMarkup(p.body) : p.body,
      actions: this.actionsFor(p, svc),
      hints,
      // Held ones stay until they are answered, used or withdrawn; the rest follow the desktop's own timing.
      expireTimeout: held ? 0 : -1,
    });
    this.remember(p.resourceId, id);
    if (held) this.closeAtStop.add(p.resourceId);
    else this.closeAtStop.delete(p.resourceId);
    if (p.resource !== undefined) this.calls.set(p.resourceId, p.resource);
    if (p.action !== undefined) this.appActions.set(p.resourceId, p.action.id);
    else this.appActions.delete(p.resourceId);
  }

  /** Buttons only where the server draws them; "Open in console" only for a call and a console to open. */
  private actionsFor(p: PopUp, svc: NotificationService): string[] {
    if (!svc.capabilities.has('actions')) return [];
    const console = p.resource !== undefined && this.opts.openConsole !== undefined ? CONSOLE_ACTIONS : [];
    const own = p.action !== undefined ? [p.action.id, p.action.label] : [];
    return [...console, ...own, ...DISMISS_ACTION];
  }

  private onAction(id: number, key: string): void {
    const resourceId = this.resources.get(id);
    if (resourceId === undefined) return;
    const call = this.calls.get(resourceId);
    if ((key === 'default' || key === 'console') && call !== undefined && this.opts.openConsole !== undefined) {
      this.opts.openConsole(call);
      this.opts.onAction?.({ resourceId, action: 'open_in_console' });
      return;
    }
    if (key === 'set-available' && this.appActions.get(resourceId) === key) {
      // Handed to the app, which withdraws the reminder once the status it asked for holds.
      this.opts.onAction?.({ resourceId, action: 'set_available' });
      return;
    }
    if (key === 'dismiss') {
      // Most servers close a pop-up whose button was used; the rest are told to.
      this.forget(resourceId);
      void this.service?.then((svc) => svc.close(id)).catch(() => undefined);
      this.opts.onAction?.({ resourceId, action: 'dismiss' });
    }
  }

  async withdraw(resourceId: string): Promise<void> {
    const id = this.ids.get(resourceId);
    this.forget(resourceId);
    if (id === undefined || this.service === undefined) return;
    await (await this.service).close(id);
  }

  /** Closes the pop-ups that must not outlive it (ringing calls, the reminder's button) and the connection. */
  async dispose(): Promise<void> {
    const pending = this.service;
    this.service = undefined;
    if (pending === undefined) return;
    const svc = await pending.catch(() => undefined);
    if (svc === undefined) return;
    const held = [...this.closeAtStop].map((r) => this.ids.get(r)).filter((id): id is number => id !== undefined);
    await Promise.allSettled(held.map((id) => svc.close(id)));
    this.ids.clear();
    this.resources.clear();
    this.closeAtStop.clear();
    this.appActions.clear();
    svc.dispose();
  }

  private connected(): Promise<NotificationService> {
    if (this.service !== undefined) return this.service;
    const events: NotificationServiceEvents = {
      onAction: (id, key) => this.onAction(id, key),
      onClosed: (id) => {
        const resource = this.resources.get(id);
        if (resource !== undefined && this.ids.get(resource) === id) this.forget(resource);
      },
      onDisconnected: () => {
        // Ids belong to the old server: a restarted daemon knows none of them.
        this.service = undefined;
        this.ids.clear();
        this.resources.clear();
        this.closeAtStop.clear();
        this.calls.clear();
        this.appActions.clear();
      },
    };
    const attempt = NotificationService.connect(this.opts.env ?? process.env, events).catch((e: unknown) => {
      // Said where the user can act on it: this command, on this desktop.
      throw new Error(
        `${describeError(e)}: start a notification daemon (the desktop's own, or dunst, mako, xfce4-notifyd), or run with --notify none to only print`,
        {
          cause: e,
        },
      );
    });
    this.service = attempt;
    attempt.catch(() => {
      if (this.service === attempt) this.service = undefined;
    });
    return attempt;
  }

  private remember(resourceId: string, id: number): void {
    const old = this.ids.get(resourceId);
    if (old !== undefined && old !== id) this.resources.delete(old);
    this.ids.set(resourceId, id);
    this.resources.set(id, resourceId);
  }

  private forget(resourceId: string): void {
    const id = this.ids.get(resourceId);
    if (id !== undefined) this.resources.delete(id);
    this.ids.delete(resourceId);
    this.closeAtStop.delete(resourceId);
    this.calls.delete(resourceId);
    this.appActions.delete(resourceId);
  }
}
