import type { ErrorCode } from '../../core/platform/index.js';
import type { AlertView } from '../../../shared/ipc-contract.js';
import type { TrayHost } from './tray-host.js';

/**
 * When the settings window must stand in for the tray. Where no tray icon can be seen (no tray
 * at all, or stock GNOME without the AppIndicator extension) the window is the one sign that the
 * app runs and listens: closing it only minimises it, it opens (minimised) at a start at login,
 * and an alert opens it.
 */
export function trayless(trayCreated: boolean, host: TrayHost['status']): boolean {
  return !trayCreated || host === 'missing';
}

/**
 * A new alert opens the window where nothing else would show it: without a visible tray, or when
 * pop-ups themselves are refused (the alert's own pop-up cannot show either).
 */
export function alertOpensWindow(previous: AlertView | null, next: AlertView | null, windowStandsIn: boolean): boolean {
  const raised = next !== null && (previous === null || previous.reason !== next.reason);
  return raised && (windowStandsIn || next.reason === 'notifications_blocked');
}

/** At start: the window opens unless started hidden at login with a sign-in to listen with; minimised where it stands in for the tray. */
export function windowAtStart(hidden: boolean, signedIn: boolean, windowStandsIn: boolean): 'open' | 'minimised' | 'none' {
  if (!hidden || !signedIn) return 'open';
  return windowStandsIn ? 'minimised' : 'none';
}

/**
 * A click on a pop-up that opened nothing brings up the settings window (its history, its notice)
 * — except a reply refused because too many are open: that refusal is a note in the reply window,
 * which comes up by itself, and the settings window on top of it would hide why the click did not open a reply.
 */
export function clickOpensSettings(r: { opened: boolean; code?: ErrorCode }): boolean {
  return !r.opened && r.code !== 'too_many_replies';
}
