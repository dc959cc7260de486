import type { AppState, ConnectionView } from '../shared/ipc-contract.js';

/**
 * One account of an outage for the alert banner and the Status tab, so the two never disagree:
 * why calls cannot arrive, and what the notifier is doing about it.
 */

/** "next try in 8 s (attempt 5)", "trying now (attempt 5)", "not retrying"; '' while not retrying. */
export function retryPlan(c: ConnectionView, now: number): string {
  const attempt = c.retry === null || c.retry === undefined ? '' : ` (attempt ${c.retry})`;
  if (c.state === 'stopped') return 'not retrying';
  if (c.state === 'reconnecting')
    return `${c.retryAt !== null && c.retryAt > now ? `next try in ${Math.ceil((c.retryAt - now) / 1000)} s` : 'trying again now'}${attempt}`;
  if ((c.state === 'connecting' || c.state === 'open') && attempt !== '') return `trying now${attempt}`;
  return '';
}

export interface OutageStory {
  /** Why, in a few words: the banner's heading. */
  why: string;
  /** The cause as the connection reported it; '' when the heading says it all. */
  detail: string;
  /** What the notifier is doing about it. */
  doing: string;
}

/** The stream is down past the grace period: told from the connection itself, which is current. */
export function outageStory(alert: NonNullable<AppState['alert']>, c: ConnectionView, now: number): OutageStory {
  if (c.state === 'stopped') {
    return { why: 'The connection stopped', detail: c.reason ?? alert.message, doing: 'It does not retry by itself: reconnect once the cause is fixed.' };
  }
  const plan = retryPlan(c, now);
  const doing = plan === '' ? 'The notifier keeps retrying.' : `The notifier keeps retrying: ${plan}.`;
  if (!c.online) return { why: 'This computer is offline', detail: '', doing: `Waiting for the network. ${doing}` };
  return { why: 'VoIPBIN cannot be reached', detail: c.reason ?? '', doing };
}
