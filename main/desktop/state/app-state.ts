import type {
  AlertView,
  AppState,
  DesktopView,
  HistoryItemView,
  LiveCallView,
  PresenceView,
  ReplyDraftView,
  ReplyNoteView,
  RingingCallView,
} from '../../../shared/ipc-contract.js';
import type { AppSettings } from '../../../shared/app-settings.js';
import type { LockableSetting } from '../settings/provisioning.js';
import type { ProtectionDecision } from '../session/credential-protection.js';
import type { ConnectionStatus } from '../session/connection-status.js';
import type { SignedIn } from '../session/session-manager.js';
import { accountView } from './account-view.js';

/**
 * AppState — what the tray, the settings window and the call window show — as a pure function of
 * where each piece lives: the sign-in and its session, the settings, the guard's alert, the
 * features' views. Nothing here is stored: every push is made afresh from the sources.
 */
export interface AppStateInputs {
  version: string;
  signedIn: SignedIn | undefined;
  status: ConnectionStatus;
  settings: AppSettings;
  online: boolean;
  suspended: boolean;
  alert: AlertView | null;
  recent: HistoryItemView[];
  unread: number;
  ringing: RingingCallView[];
  replies: ReplyDraftView[];
  replyNotes: ReplyNoteView[];
  liveCall: LiveCallView | null;
  protection: ProtectionDecision;
  desktop: DesktopView;
  notice: string | null;
  locked: readonly LockableSetting[];
}

export function appState(i: AppStateInputs): AppState {
  const a = i.signedIn;
  return {
    version: i.version,
    account: a === undefined ? { signedIn: false, apiUrl: i.settings.apiUrl } : accountView(a),
    connection: i.status.view(a?.session.detail, { topics: a?.session.listener?.topics.length ?? 0, online: i.online, suspended: i.suspended }),
    alert: alertView(i.alert, i.status),
    pausedUntil: i.settings.notifications.pausedUntil,
    unread: i.unread,
    recent: i.recent,
    ringing: i.ringing,
    replies: i.replies,
    replyNotes: i.replyNotes,
    liveCall: i.liveCall,
    storage: { protection: i.protection.protection, warning: i.protection.warning ?? null },
    desktop: i.desktop,
    presence: presenceView(a),
    notice: i.notice,
    locked: [...i.locked],
  };
}

/**
 * The guard raises a lost stream only once its grace period is over, but calls stopped arriving
 * when the stream went down: "not receiving calls since" names that moment, not the later one at
 * which the guard raised the alert.
 */
function alertView(alert: AlertView | null, status: ConnectionStatus): AlertView | null {
  if (alert?.reason !== 'stream_down') return alert;
  return { ...alert, since: Math.min(alert.since, status.downSince) };
}

function presenceView(a: SignedIn | undefined): PresenceView | null {
  const known = a?.presence.watch?.status;
  return known === undefined
    ? null
    : { status: known.status, since: known.since, changedBy: known.changedBy, receivingQueueCalls: known.status === 'available' };
}
