import { isDeepStrictEqual } from 'node:util';
import type { HistoryItem, NotificationCenter, NotificationSink, PopUp } from '../../core/notify/index.js';
import { NotifierError, describeError, type Clock, type Logger } from '../../core/platform/index.js';
import type { HistoryItemView, PauseChoiceName } from '../../../shared/ipc-contract.js';
import { pauseUntil, type NotificationSettings, type NotificationSettingsPatch } from '../../../shared/notification-settings.js';
import type { SessionManager } from '../session/session-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { ConsoleLinks, Opened } from './console.js';

/**
 * Notifications in the desktop app: their settings (changed by patches; the live session
 * follows every change of the file, whoever made it), the pause and its end, the test pop-up,
 * the history and opening its calls.
 */

/** Every pop-up's fate, watched: a refusing OS means calls ring unseen (the not-receiving guard says so). */
export class WatchedSink implements NotificationSink {
  readonly name: string;
  private refusal: string | undefined;

  constructor(
    private readonly inner: NotificationSink,
    private readonly changed: () => void,
    /** Every refusal, for diagnostics (the guard's pop-ups and the expiry warnings too). */
    private readonly refused: (e: NotifierError) => void = () => undefined,
  ) {
    this.name = inner.name;
  }

  /** Why the OS refused the last pop-up, until one shows again. */
  get blocked(): string | undefined {
    return this.refusal;
  }

  async show(p: PopUp): Promise<void> {
    try {
      await this.inner.show(p);
    } catch (e) {
      this.refusal = describeError(e);
      this.refused(new NotifierError('notifications_unavailable', `The system refused a notification: ${this.refusal}`));
      this.changed();
      throw e;
    }
    if (this.refusal !== undefined) {
      this.refusal = undefined;
      this.changed();
    }
  }

  withdraw(resourceId: string, reason: Parameters<NotificationSink['withdraw']>[1]): Promise<void> {
    return this.inner.withdraw(resourceId, reason);
  }
}

export interface NotificationsOptions {
  settings: SettingsStore;
  sessions: SessionManager;
  sink: NotificationSink | undefined;
  links: ConsoleLinks;
  /** Whether the call an entry is about has a live transcript kept (features/live-transcripts.ts). */
  hasTranscript?: (item: HistoryItem) => boolean;
  logger: Logger;
  clock: Clock;
  changed(): void;
}

export class NotificationsFeature {
  private pauseTimer: unknown;
  private testSeq = 0;
  private readonly off: () => void;

  constructor(private readonly o: NotificationsOptions) {
    this.off = o.settings.on('changed', ({ prev, next }) => {
      if (isDeepStrictEqual(prev.notifications, next.notifications)) return;
      this.o.sessions.current?.session.center?.updateSettings(next.notifications);
      this.o.sessions.current?.presence.configure(this.o.sessions.presenceSettings());
      this.o.sessions.current?.transcripts.setEnabled(next.notifications.liveTranscripts);
      this.schedulePauseEnd();
    });
  }

  get settings(): NotificationSettings {
    return this.o.settings.settings.notifications;
  }

  /** Only what the patch names changes: a pause set from the tray survives a toggle in an open window. */
  async update(patch: NotificationSettingsPatch): Promise<NotificationSettings> {
    return (await this.o.settings.update({ notifications: patch })).notifications;
  }

  async pause(choice: PauseChoiceName): Promise<NotificationSettings> {
    const until = choice === 'resume' ? null : choice === 'until_resumed' ? 'indefinite' : pauseUntil(choice, new Date(this.o.clock.now()));
    this.o.logger.info(choice === 'resume' ? 'notifications resumed' : `notifications paused (${choice})`);
    return this.update({ pausedUntil: until });
  }

  /** A timed pause ends by itself: the tray and window must say so when it does. */
  schedulePauseEnd(): void {
    if (this.pauseTimer !== undefined) this.o.clock.clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    const until = this.settings.pausedUntil;
    const now = this.o.clock.now();
    if (typeof until === 'number' && until > now) {
      this.pauseTimer = this.o.clock.setTimeout(
        () => {
          this.pauseTimer = undefined;
          this.o.changed();
        },
        Math.min(until - now + 100, 2 ** 31 - 1),
      );
    }
  }

  async sendTest(): Promise<{ shown: boolean; message: string }> {
    const sink = this.o.sink;
    if (sink === undefined) return { shown: false, message: 'This build has no way to show notifications.' };
    const s = this.settings;
    try {
      await sink.show({
        kind: 'incoming_call',
        resourceId: `test:${++this.testSeq}`,
        title: 'Test: incoming call from Jane Cooper',
        body: 'This is how a call rings. Calls also ring while notifications are paused.',
        sound: s.kinds.incoming_call.sound,
        urgent: s.callsBreakThroughDnd,
        at: this.o.clock.now(),
      });
    } catch (e) {
      return { shown: false, message: `The system refused to show it: ${describeError(e)}. Allow notifications for VoIPBIN Notifier in the system settings.` };
    }
    return {
      shown: true,
      message:
        s.pausedUntil !== null
          ? 'Sent. Notifications are paused, but calls still break through. If nothing appeared, check the system notification settings.'
          : 'Sent. If nothing appeared, check the system notification settings and Do Not Disturb.',
    };
  }

  historyView(h: HistoryItem): HistoryItemView {
    return {
      seq: h.seq,
      kind: h.kind,
      title: h.title,
      body: h.body,
      at: h.at,
      shown: h.shown,
      heldBecause: h.heldBecause ?? null,
      read: h.read,
      openable: this.o.links.urlFor(h.resource) !== undefined,
      transcript: this.o.hasTranscript?.(h) ?? false,
    };
  }

  historyItem(seq: number): HistoryItem | undefined {
    return this.center()
      ?.history.list()
      .find((h) => h.seq === seq);
  }

  /** The tray's "recent" list: the last few pop-ups, without the activity lines. */
  recent(): HistoryItemView[] {
    return (this.center()?.history.list(RECENT * 3) ?? [])
      .filter((h) => h.kind !== 'activity')
      .slice(0, RECENT)
      .map((h) => this.historyView(h));
  }

  get unread(): number {
    return this.center()?.history.unreadCount() ?? 0;
  }

  history(limit: number): HistoryItemView[] {
    return (this.center()?.history.list(limit) ?? []).map((h) => this.historyView(h));
  }

  markRead(seq?: number): { unread: number } {
    const center = this.center();
    center?.history.markRead(seq);
    this.o.changed();
    return { unread: center?.history.unreadCount() ?? 0 };
  }

  async openHistoryItem(seq: number): Promise<Opened> {
    const item = this.center()
      ?.history.list()
      .find((h) => h.seq === seq);
    if (item === undefined) return { opened: false, message: 'That notification is no longer in the history.' };
    this.markRead(seq);
    return this.o.links.open(item.resource);
  }

  /** A click on a pop-up: the newest history entry for that resource. */
  async openResource(resourceId: string): Promise<Opened> {
    const item = this.center()
      ?.history.list()
      .find((h) => h.resourceId === resourceId);
    if (item === undefined) return { opened: false, message: 'Nothing to open.' };
    this.markRead(item.seq);
    return this.o.links.open(item.resource);
  }

  dispose(): void {
    this.off();
    if (this.pauseTimer !== undefined) this.o.clock.clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
  }

  private center(): NotificationCenter | undefined {
    return this.o.sessions.current?.session.center;
  }
}

const RECENT = 10;
