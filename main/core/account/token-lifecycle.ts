import { systemClock, type Clock } from '../platform/index.js';
/**
 * When an agent token runs out. VoIPBIN tokens last 7 days and cannot be refreshed; the server
 * checks them only when a connection is opened, so an open socket outlives its token and the
 * *next* reconnect — after a network blip, a sleep, a deploy — is refused (PROTOCOL.md §1.2, §6).
 * The agent must hear about it while there is still time to sign in, not when a call is missed.
 */
export type ExpirySeverity = 'warning' | 'critical' | 'expired';
export type ExpiryStage = 'ok' | ExpirySeverity;

export interface ExpiryNotice {
  severity: ExpirySeverity;
  expiresAt: Date;
  /** Negative once expired. */
  remainingMs: number;
  message: string;
}

export const HOUR_MS = 3_600_000;

export interface ExpiryThresholds {
  /** Lead time of the first warning. */
  warningMs: number;
  /** Lead time of the last warning. */
  criticalMs: number;
}

export const DEFAULT_THRESHOLDS: ExpiryThresholds = { warningMs: 24 * HOUR_MS, criticalMs: HOUR_MS };

const RANK: Record<ExpiryStage, number> = { ok: 0, warning: 1, critical: 2, expired: 3 };

export function expiryStage(expiresAt: Date, now: number, t: ExpiryThresholds = DEFAULT_THRESHOLDS): ExpiryStage {
  const left = expiresAt.getTime() - now;
  if (left <= 0) return 'expired';
  if (left <= t.criticalMs) return 'critical';
  if (left <= t.warningMs) return 'warning';
  return 'ok';
}

/** When the stage next changes; undefined once expired. */
export function nextStageAt(expiresAt: Date, now: number, t: ExpiryThresholds = DEFAULT_THRESHOLDS): number | undefined {
  const end = expiresAt.getTime();
  for (const at of [end - t.warningMs, end - t.criticalMs, end]) if (at > now) return at;
  return undefined;
}

/** "23 h 59 min", "42 min", "30 s": coarse enough to read at a glance. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  return h % 24 === 0 ? `${Math.floor(h / 24)} days` : `${Math.floor(h / 24)} days ${h % 24} h`;
}

/** What runs out: an agent's sign-in (sign in again) or an access key (a new key is needed). */
export type ExpiringCredential = 'sign-in' | 'access key';

export function expiryNotice(
  expiresAt: Date,
  now: number,
  t: ExpiryThresholds = DEFAULT_THRESHOLDS,
  what: ExpiringCredential = 'sign-in',
): ExpiryNotice | undefined {
  const stage = expiryStage(expiresAt, now, t);
  if (stage === 'ok') return undefined;
  const remainingMs = expiresAt.getTime() - now;
  const at = expiresAt.toISOString();
  const renew = what === 'sign-in' ? 'sign in again' : 'create a new access key in the VoIPBIN console and sign in with it';
  const message =
    stage === 'expired'
      ? `Your VoIPBIN ${what} expired at ${at}. The open connection keeps working for now, but the next reconnect will be refused: ${renew} to keep receiving calls.`
      : `Your VoIPBIN ${what} expires in ${formatDuration(remainingMs)} (${at}). ${renew.charAt(0).toUpperCase()}${renew.slice(1)} before then to keep receiving calls: after that, the next reconnect will be refused.`;
  return { severity: stage, expiresAt, remainingMs, message };
}

export interface ExpiryWatchOptions {
  clock?: Clock;
  thresholds?: ExpiryThresholds;
  /**
   * Longest single wait. Timers do not run while a laptop sleeps and are capped near 24.8 days,
   * so the watch re-reads the wall clock at least this often instead of trusting one long timer.
   */
  maxWaitMs?: number;
  what?: ExpiringCredential;
}

export interface ExpiryWatch {
  stop(): void;
}

/**
 * Calls `onNotice` once per stage reached (warning, critical, expired), starting with the
 * current one if the token is already near or past its expiry. Stages only escalate: a clock
 * set back does not repeat a warning.
 */
export function watchTokenExpiry(expiresAt: Date, onNotice: (n: ExpiryNotice) => void, opts: ExpiryWatchOptions = {}): ExpiryWatch {
  const clock = opts.clock ?? systemClock;
  const thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const maxWait = opts.maxWaitMs ?? 10 * 60_000;
  let reported: ExpiryStage = 'ok';
  let timer: unknown;
  let stopped = false;

  const check = (): void => {
    timer = undefined;
    if (stopped) return;
    const now = clock.now();
    const notice = expiryNotice(expiresAt, now, thresholds, opts.what);
    if (notice !== undefined && RANK[notice.severity] > RANK[reported]) {
      reported = notice.severity;
      onNotice(notice);
    }
    if (stopped || reported === 'expired') return;
    const next = nextStageAt(expiresAt, now, thresholds);
    if (next === undefined) return;
    timer = clock.setTimeout(check, Math.max(1, Math.min(next - now, maxWait)));
  };
  check();

  return {
    stop(): void {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
