import type { NotificationKind, NotificationSettings } from '../../../shared/notification-settings.js';

/**
 * Whether a decided notification interrupts the agent now. Calls may break through Do Not
 * Disturb (pause, quiet hours; and marked urgent so the OS lets them through its own DND);
 * everything else waits in history.
 */
export interface Presentation {
  show: boolean;
  sound: boolean;
  urgent: boolean;
  /** Why it is not shown, in words for history and logs. */
  heldBecause?: 'turned off' | 'paused' | 'quiet hours';
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function inQuietHours(settings: NotificationSettings, now: Date): boolean {
  const q = settings.quietHours;
  if (!q.enabled) return false;
  const start = minutes(q.start);
  const end = minutes(q.end);
  const t = now.getHours() * 60 + now.getMinutes();
  if (start === end) return false;
  // A window that crosses midnight (18:00–08:00) is the usual case.
  return start < end ? t >= start && t < end : t >= start || t < end;
}

export function isPaused(settings: NotificationSettings, now: Date): boolean {
  const p = settings.pausedUntil;
  return p === 'indefinite' || (typeof p === 'number' && now.getTime() < p);
}

export function presentationFor(kind: NotificationKind, settings: NotificationSettings, now: Date): Presentation {
  const setting = kind === 'summary' ? settings.kinds.missed_call : settings.kinds[kind];
  if (kind !== 'summary' && !setting.enabled) return { show: false, sound: false, urgent: false, heldBecause: 'turned off' };
  const isCall = kind === 'incoming_call';
  const dnd: Presentation['heldBecause'] = isPaused(settings, now) ? 'paused' : inQuietHours(settings, now) ? 'quiet hours' : undefined;
  if (dnd !== undefined && !(isCall && settings.callsBreakThroughDnd)) return { show: false, sound: false, urgent: false, heldBecause: dnd };
  return { show: true, sound: setting.sound, urgent: isCall && settings.callsBreakThroughDnd };
}
