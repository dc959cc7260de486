import type { AppState, PauseChoiceName } from '../../../shared/ipc-contract.js';
import { clockTime, statusWords, type StatusLevel } from '../../../shared/status-words.js';
import { SETTABLE_STATUSES, statusName, type SettableStatus } from '../../../shared/agent-status.js';

/**
 * What the tray shows for a given AppState: icon, badge, tooltip and menu, as plain data. The
 * Electron adapter turns it into a Tray and a Menu; everything that can be wrong is decided here.
 */
export type TrayIconState = StatusLevel;

export type TrayAction =
  | { type: 'open-history'; seq: number }
  | { type: 'mark-all-read' }
  | { type: 'pause'; choice: PauseChoiceName }
  | { type: 'reconnect' }
  | { type: 'set-status'; status: SettableStatus }
  | { type: 'settings' }
  | { type: 'quit' };

export interface TrayMenuItem {
  label: string;
  enabled: boolean;
  action?: TrayAction;
  submenu?: TrayMenuItem[];
  separatorBefore?: boolean;
  /** One of a set of choices, shown with a check mark when it is the current one. */
  checked?: boolean;
}

export interface TrayModel {
  icon: TrayIconState;
  /** Unread missed calls and messages; 0 hides the badge. */
  badge: number;
  tooltip: string;
  /** The window title carries the same words, for desktops without a tray. */
  windowTitle: string;
  menu: TrayMenuItem[];
}

const APP = 'VoIPBIN Notifier';
/** Windows truncates tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;
const RECENT_IN_MENU = 8;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function pauseMenu(s: AppState, now: number): TrayMenuItem {
  const until = s.pausedUntil;
  const paused = until === 'indefinite' || (typeof until === 'number' && until > now);
  const label = !paused ? 'Pause notifications' : until === 'indefinite' ? 'Notifications paused' : `Notifications paused until ${clockTime(until)}`;
  return {
    label,
    enabled: s.account.signedIn,
    submenu: [
      { label: 'For 1 hour', enabled: true, action: { type: 'pause', choice: '1h' } },
      { label: 'Until tomorrow 08:00', enabled: true, action: { type: 'pause', choice: 'tomorrow' } },
      { label: 'Until I resume', enabled: true, action: { type: 'pause', choice: 'until_resumed' } },
      { label: 'Resume notifications', enabled: paused, action: { type: 'pause', choice: 'resume' }, separatorBefore: true },
    ],
  };
}

/** My status with a check mark, and the way to change it; none for a sign-in with no agent. */
function statusMenu(s: AppState): TrayMenuItem | undefined {
  const p = s.presence;
  if (p === null || !s.account.signedIn) return undefined;
  const name = statusName(p.status);
  return {
    label: p.receivingQueueCalls ? `Status: ${name}` : `Status: ${name} — queue calls won't reach you`,
    enabled: true,
    submenu: SETTABLE_STATUSES.map((status) => ({
      label: statusName(status),
      enabled: true,
      checked: p.status === status,
      action: { type: 'set-status', status },
    })),
  };
}

function recentMenu(s: AppState): TrayMenuItem {
  const items: TrayMenuItem[] = s.recent.slice(0, RECENT_IN_MENU).map((h) => ({
    label: clip(`${h.read ? '' : '● '}${clockTime(h.at)}  ${h.title}`, 60),
    enabled: true,
    action: { type: 'open-history', seq: h.seq },
  }));
  if (items.length === 0) items.push({ label: 'No notifications yet', enabled: false });
  if (s.unread > 0) items.push({ label: 'Mark all as read', enabled: true, action: { type: 'mark-all-read' }, separatorBefore: true });
  return { label: s.unread > 0 ? `Recent notifications (${s.unread} unread)` : 'Recent notifications', enabled: true, submenu: items };
}

export function trayModel(s: AppState, now: number): TrayModel {
  const w = statusWords(s, now);
  const line = `${w.headline} · ${w.detail}`;
  const unread = s.unread > 0 ? ` · ${s.unread} unread` : '';
  const menu: TrayMenuItem[] = [{ label: clip(line, 80), enabled: false }];
  if (s.alert?.reason === 'not_available' && s.account.signedIn) {
    // Connected, but queue calls skip me: the fix is one click, right here.
    menu.push({ label: 'Set me Available', enabled: true, action: { type: 'set-status', status: 'available' } });
  } else if (s.alert !== null || !s.account.signedIn) {
    menu.push({ label: s.account.signedIn ? 'Fix this…' : 'Sign in…', enabled: true, action: { type: 'settings' } });
  }
  const status = statusMenu(s);
  if (status !== undefined) menu.push(status);
  menu.push(
    { ...recentMenu(s), separatorBefore: true },
    pauseMenu(s, now),
    { label: 'Reconnect now', enabled: s.account.signedIn, action: { type: 'reconnect' } },
    { label: 'Settings…', enabled: true, action: { type: 'settings' }, separatorBefore: true },
    { label: `Quit ${APP}`, enabled: true, action: { type: 'quit' } },
  );
  return {
    icon: w.level,
    badge: s.unread,
    tooltip: clip(`${APP} — ${line}${unread}`, TOOLTIP_MAX),
    windowTitle: `${APP} — ${w.headline}`,
    menu,
  };
}
