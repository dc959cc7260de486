import type { WithdrawReason } from './call-offers.js';
import type { ResourceRef } from './content.js';
import type { ReplyTarget } from '../replies/index.js';
import type { NotificationKind } from '../../../shared/notification-settings.js';

/** What the notification centre hands the OS (./notification-center.ts), and the shape every backend has. */

export interface PopUp {
  kind: NotificationKind;
  resourceId: string;
  title: string;
  body: string;
  sound: boolean;
  /** Calls breaking through Do Not Disturb: critical urgency / urgent toast. */
  urgent: boolean;
  at: number;
  /** The call (or group call) it is about, for an "Open in console" action; absent for messages. */
  resource?: ResourceRef | undefined;
  /** A message that can be answered from the pop-up (inline reply or a Reply action). */
  replyTo?: ReplyTarget | undefined;
  /** A button of the app's own (the busy trap's "Set Available"): pressed, the sink hands its id back to the app. */
  action?: PopUpAction | undefined;
}

export interface PopUpAction {
  id: 'set-available';
  label: string;
}

/**
 * A way to show pop-ups: the freedesktop service or node-notifier (headless), Electron
 * Notification (GUI), or none. A pop-up's title and body are plain text, bounded and without
 * control characters (content.ts): a sink shows them as text, escaping whatever its
 * OS would otherwise read as markup or options.
 */
export interface NotificationSink {
  readonly name: string;
  /** Resolves when shown; rejects when the OS refuses (no daemon, permission denied). A resource already on screen is replaced in place. */
  show(p: PopUp): Promise<void>;
  /** Takes back the pop-up for a resource. */
  withdraw(resourceId: string, reason: WithdrawReason): Promise<void>;
}
