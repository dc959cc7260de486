import type { AppState } from './ipc-contract.js';

/**
 * The agent's reachability in words, for the tray tooltip, its first menu line, the window title
 * and the settings header: one function, so they never disagree.
 */
export type StatusLevel = 'connected' | 'connecting' | 'offline' | 'signed_out' | 'paused' | 'alert';

export interface StatusWords {
  level: StatusLevel;
  /** "Receiving calls", "Not receiving calls", … */
  headline: string;
  /** "last event 2 min ago", "reconnecting in 4 s", … */
  detail: string;
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function pausedWords(until: AppState['pausedUntil'], now: number): string | undefined {
  if (until === 'indefinite') return 'until you resume';
  if (typeof until === 'number' && until > now) return `until ${clockTime(until)}`;
  return undefined;
}

export function statusWords(s: AppState, now: number): StatusWords {
  const c = s.connection;
  const lastEvent = c.lastEventAt === null ? 'no events yet' : `last event ${ago(now - c.lastEventAt)}`;
  if (!s.account.signedIn) return { level: 'signed_out', headline: 'Signed out', detail: 'sign in to receive calls' };
  if (s.alert !== null) return { level: 'alert', headline: s.alert.title, detail: s.alert.message };
  if (c.state === 'subscribed') {
    const paused = pausedWords(s.pausedUntil, now);
    if (paused !== undefined) return { level: 'paused', headline: 'Notifications paused', detail: `${paused} · ${lastEvent}` };
    return { level: 'connected', headline: 'Receiving calls', detail: lastEvent };
  }
  if (!c.online) return { level: 'offline', headline: 'Offline', detail: 'waiting for the network' };
  if (c.state === 'stopped') return { level: 'offline', headline: 'Not receiving calls', detail: c.lastError?.message ?? 'the connection is stopped' };
  if (c.state === 'reconnecting') {
    const wait = c.retryAt !== null && c.retryAt > now ? `retrying in ${Math.ceil((c.retryAt - now) / 1000)} s` : 'retrying now';
    return { level: 'connecting', headline: 'Reconnecting…', detail: wait };
  }
  return { level: 'connecting', headline: 'Connecting…', detail: c.state === 'starting' ? 'checking the sign-in' : 'opening the event stream' };
}
