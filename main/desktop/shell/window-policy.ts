import type { ErrorCode } from '../../core/platform/index.js';
import type { AlertView, AppState } from '../../../shared/ipc-contract.js';
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

/** Replies written and not sent (drafts and kept notes with text): they live in memory only, so a Quit asked for from the app asks first. */
export function unsentReplies(s: Pick<AppState, 'replies' | 'replyNotes'>): number {
  return s.replies.filter((r) => r.text.trim() !== '').length + s.replyNotes.filter((n) => n.text.trim() !== '').length;
}

/**
 * What Quit asks when replies would be lost. Kept off disk on purpose (customers' words), so quitting
 * is the one way left to lose them: the safe answer is the default, and quitting is said as discarding.
 */
export function quitQuestion(unsent: number): { message: string; detail: string; buttons: [keep: string, quit: string] } {
  const replies = unsent === 1 ? 'a reply' : `${unsent} replies`;
  return {
    message: `You have ${replies} not sent yet`,
    detail: `Quitting discards ${unsent === 1 ? 'it' : 'them'}: replies are kept only while the app runs, never on disk.`,
    buttons: ['Keep writing', 'Quit and discard'],
  };
}
