import { topicProblems, type StateDetail, type CatchupReport, type ResourceEvent } from '../../core/stream/index.js';
import type { NotifierError } from '../../core/platform/index.js';
import type { ExpiryNotice } from '../../core/account/index.js';
import { tokenExpiryLine } from './identity-lines.js';
import type { DecidedNotification, Withdrawal } from '../../core/notify/index.js';
import { printJson, printOneLine } from './terminal.js';
import { presenceWords, statusName, type PresenceChange, type PresenceReminder } from '../../core/presence/index.js';
import { SPEAKER_NAMES, type TranscriptHeard } from '../../core/transcripts/index.js';

/**
 * What `run` prints on stdout. With --json: one JSON object per line, each with a `type` — a public
 * interface that scripts and tests parse, so fields are only ever added, never renamed or removed.
 * Without --json: one short human line per happening. Everything goes out through ./terminal.ts
 * (redacted, no control sequences).
 */
export interface Output {
  state(detail: StateDetail, at: number): void;
  subscribed(topics: readonly string[], connection: number): void;
  event(e: ResourceEvent): void;
  catchup(r: CatchupReport): void;
  error(e: NotifierError): void;
  /** The sign-in is close to (or past) its expiry: see core/token-lifecycle.ts. */
  tokenExpiry(n: ExpiryNotice): void;
  notification(n: DecidedNotification): void;
  /** A notification now names its caller from contacts. */
  updated(n: DecidedNotification): void;
  withdrawn(w: Withdrawal): void;
  /** `run --wait-for-login`: not listening until `login` saves a (new) sign-in; `reason` is the error code or "signed_out". */
  waitingForLogin(reason: string, message: string): void;
  /** `login` saved a new sign-in while `run` used the saved one: the next lines are its connection. */
  signInChanged(message: string): void;
  /** `logout` removed the saved sign-in `run` was using. */
  signedOut(message: string): void;
  /** The agent used a pop-up's button: the call opened in the console, or the pop-up dismissed. */
  action(a: { resourceId: string; action: 'open_in_console' | 'dismiss' | 'set_available'; url?: string }): void;
  /** My status changed (or was first learnt). */
  presence(p: PresenceChange): void;
  /** A call ended and my status is still busy (or ringing) after the wrap-up. */
  presenceReminder(r: PresenceReminder): void;
  /** This sign-in has no agent, so no status (said once). */
  presenceOff(message: string): void;
  /** A transcript segment, heard live (`run --transcripts`, `transcripts`). */
  transcript(t: TranscriptHeard): void;
}

type Line = Record<string, unknown> & { type: string };

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function jsonLine(line: Line): void {
  printJson(line);
}

const write = printOneLine;

export function errorLine(e: NotifierError): Line {
  return {
    type: 'error',
    code: e.code,
    message: e.userMessage,
    ...(typeof e.details.topic === 'string' ? { topic: e.details.topic } : {}),
    ...(typeof e.details.missing_permission === 'string' ? { missing_permission: e.details.missing_permission } : {}),
  };
}

/**
 * What an error says: one sentence, or for refused topics one per topic with the topic it names,
 * so a script (or a person) can tell which of several topics to fix.
 */
function errorParts(e: NotifierError): { message: string; topic?: string }[] {
  const problems = topicProblems(e);
  if (problems.length === 0) return [{ message: e.userMessage }];
  return problems.map((p) => ({ message: `Refusing to subscribe to "${p.topic}" (VoIPBIN would drop the connection): ${p.reason}.`, topic: p.topic }));
}

export function errorLines(e: NotifierError): Line[] {
  const base = errorLine(e);
  return errorParts(e).map((p) => (p.topic === undefined ? base : { type: 'error', code: e.code, message: p.message, topic: p.topic }));
}

export function errorSentences(e: NotifierError): string[] {
  return errorParts(e).map((p) => p.message);
}

/** The contact a notification names, as lines carry it (only when one was found). */
function contactField(n: DecidedNotification): { contact?: { id: string; display_name: string; company: string } } {
  return n.contact === undefined ? {} : { contact: { id: n.contact.id, display_name: n.contact.name, company: n.contact.company } };
}

/** Where `voipbin-notifier reply` sends an answer: its --conversation or --chat id. */
function replyField(n: DecidedNotification): { reply_to?: { conversation_id: string } | { chat_id: string } } {
  const t = n.replyTo;
  return t === undefined ? {} : { reply_to: t.kind === 'chat' ? { chat_id: t.id } : { conversation_id: t.id } };
}

export class JsonOutput implements Output {
  state(d: StateDetail, at: number): void {
    const base = { type: 'state', state: d.state, at: iso(at) };
    switch (d.state) {
      case 'reconnecting':
        jsonLine({ ...base, attempt: d.attempt, delay_ms: d.delayMs, reason: d.reason });
        return;
      case 'connecting':
        jsonLine({ ...base, attempt: d.attempt });
        return;
      case 'stopped':
        jsonLine({ ...base, reason: d.reason, ...(d.code !== undefined ? { code: d.code } : {}) });
        return;
      default:
        jsonLine(base);
    }
  }

  subscribed(topics: readonly string[], connection: number): void {
    jsonLine({ type: 'subscribed', topics, connection });
  }

  event(e: ResourceEvent): void {
    jsonLine({
      type: 'event',
      resource: e.kind,
      id: e.id ?? null,
      status: e.status ?? null,
      source: e.source,
      ...(e.eventType !== undefined ? { event_type: e.eventType } : {}),
    });
  }

  catchup(r: CatchupReport): void {
    jsonLine({ type: 'catchup', connection: r.connection, since: iso(r.since), fetched: r.fetched, accepted: r.accepted.length, missing: r.missing });
  }

  error(e: NotifierError): void {
    for (const line of errorLines(e)) jsonLine(line);
  }

  tokenExpiry(n: ExpiryNotice): void {
    jsonLine(tokenExpiryLine(n));
  }

  notification(n: DecidedNotification): void {
    jsonLine({
      type: 'notification',
      kind: n.kind,
      resource_id: n.resourceId,
      title: n.title,
      body: n.body,
      shown: n.shown,
      ...(n.heldBecause !== undefined ? { held_because: n.heldBecause } : {}),
      ...contactField(n),
      ...replyField(n),
    });
  }

  updated(n: DecidedNotification): void {
    jsonLine({ type: 'notification_updated', kind: n.kind, resource_id: n.resourceId, title: n.title, body: n.body, ...contactField(n) });
  }

  waitingForLogin(reason: string, message: string): void {
    jsonLine({ type: 'waiting_for_login', reason, message });
  }

  signInChanged(message: string): void {
    jsonLine({ type: 'sign_in_changed', message });
  }

  signedOut(message: string): void {
    jsonLine({ type: 'signed_out', message });
  }

  withdrawn(w: Withdrawal): void {
    jsonLine({ type: 'notification_withdrawn', resource_id: w.resourceId, reason: w.reason });
  }

  action(a: { resourceId: string; action: 'open_in_console' | 'dismiss' | 'set_available'; url?: string }): void {
    jsonLine({ type: 'notification_action', resource_id: a.resourceId, action: a.action, ...(a.url !== undefined ? { url: a.url } : {}) });
  }

  presence(p: PresenceChange): void {
    jsonLine({
      type: 'presence',
      status: p.status,
      previous: p.previous ?? null,
      changed_by: p.changedBy,
      at: iso(p.at),
      receiving_queue_calls: p.receivingQueueCalls,
    });
  }

  presenceReminder(r: PresenceReminder): void {
    jsonLine({ type: 'presence_reminder', status: r.status, call_ended_at: iso(r.callEndedAt), wrap_up_s: r.wrapUpMs / 1000, message: r.message });
  }

  presenceOff(message: string): void {
    jsonLine({ type: 'presence_off', message });
  }

  transcript(t: TranscriptHeard): void {
    const s = t.segment;
    jsonLine({
      type: 'transcript',
      call_id: t.callId,
      transcribe_id: t.transcribeId,
      id: s.id,
      direction: s.direction,
      text: s.text,
      at: iso(s.at),
      speaker: t.speaker,
      offset_ms: s.offsetMicros === undefined ? null : Math.round(s.offsetMicros / 1000),
      ...(t.hidden === true ? { hidden: true } : {}),
    });
  }
}

const time = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/**
 * One short line per change a person cares about, or nothing: a retry's own "connecting" and the
 * brief "open" before the subscription are left out, as the lines around them already say it.
 */
function humanState(d: StateDetail): string | undefined {
  switch (d.state) {
    case 'connecting':
      return d.attempt === 1 ? 'connecting to VoIPBIN…' : undefined;
    case 'open':
    case 'idle':
      return undefined;
    case 'subscribed':
      return 'receiving events';
    case 'reconnecting': {
      const when = d.delayMs < 50 ? 'reconnecting now' : `retrying in ${(d.delayMs / 1000).toFixed(1)} s`;
      return `${d.reason.replace(/\.$/, '')}; ${when}${d.attempt > 1 ? ` (attempt ${d.attempt})` : ''}`;
    }
    case 'stopped':
      // A stop for a failure follows that failure's own ✖ line: the reason is not said twice.
      return d.code !== undefined ? 'stopped' : `stopped: ${d.reason}`;
  }
}

/** What the resources of a topic list are called, for a person: "calls, team chat, messages". */
const RESOURCE_WORDS: Readonly<Record<string, string>> = {
  call: 'calls',
  groupcall: 'group calls',
  conversation: 'conversations',
  chatmessage: 'team chat',
  message: 'messages',
  queuecall: 'queue calls',
  agent: 'agent status',
  transcript: 'transcripts',
  transcribe: 'transcriptions',
};

function topicKinds(topics: readonly string[]): string {
  const kinds = new Set(topics.map((t) => t.split(':')[2] ?? 'everything').map((r) => RESOURCE_WORDS[r] ?? r));
  return [...kinds].join(', ');
}

export class HumanOutput implements Output {
  /** The call the last transcript line was of: a line of another call names its call first. */
  private transcriptHeading: string | undefined;

  /** `events: false` keeps the screen to what a person acts on (the demo): notifications and state. */
  constructor(private readonly opts: { events: boolean } = { events: true }) {}

  state(d: StateDetail, at: number): void {
    const text = humanState(d);
    if (text !== undefined) write(`${time(at)}  ${text}`);
  }

  subscribed(topics: readonly string[]): void {
    write(`${time(Date.now())}  listening on ${topics.length} topic${topics.length === 1 ? '' : 's'}: ${topicKinds(topics)}`);
  }

  event(e: ResourceEvent): void {
    if (!this.opts.events) return;
    const from = e.source === 'catchup' ? ' (caught up)' : '';
    write(`${time(e.receivedAt)}  ${e.kind.padEnd(12)} ${(e.status ?? '-').padEnd(12)} ${e.id ?? ''}${from}`);
  }

  catchup(r: CatchupReport): void {
    if (r.since === undefined && r.accepted.length === 0) return;
    write(
      `${time(Date.now())}  caught up: ${r.accepted.length} change${r.accepted.length === 1 ? '' : 's'} since ${r.since === undefined ? 'start' : time(r.since)}`,
    );
  }

  error(e: NotifierError): void {
    for (const sentence of errorSentences(e)) write(`${time(Date.now())}  ✖ ${sentence}`);
  }

  tokenExpiry(n: ExpiryNotice): void {
    write(`${time(Date.now())}  ${n.severity === 'warning' ? '⚠' : '✖'} ${n.message}`);
  }

  notification(n: DecidedNotification): void {
    const held = n.shown ? '' : ` (not shown: ${n.heldBecause ?? 'no pop-ups'})`;
    write(`${time(Date.now())}  🔔 ${n.title} — ${n.body}${held}`);
  }

  updated(n: DecidedNotification): void {
    write(`${time(Date.now())}     ↳ ${n.title} — ${n.body}`);
  }

  withdrawn(w: Withdrawal): void {
    write(`${time(Date.now())}     ${w.reason === 'answered' ? 'answered' : w.reason === 'missed' ? 'not answered' : w.reason}`);
  }
  waitingForLogin(_reason: string, message: string): void {
    write(`${time(Date.now())}  ⏸ ${message}`);
  }

  signInChanged(message: string): void {
    write(`${time(Date.now())}  ↻ ${message}`);
  }

  signedOut(message: string): void {
    write(`${time(Date.now())}  ${message}`);
  }

  action(a: { resourceId: string; action: 'open_in_console' | 'dismiss' | 'set_available'; url?: string }): void {
    const said =
      a.action === 'dismiss' ? 'dismissed' : a.action === 'set_available' ? 'setting you Available' : `opening the call in the console: ${a.url ?? ''}`;
    write(`${time(Date.now())}     ${said}`);
  }

  presence(p: PresenceChange): void {
    const was = p.previous === undefined ? '' : ` (was ${statusName(p.previous)}${p.changedBy === 'auto' ? ', set back after the wrap-up' : ''})`;
    write(`${time(p.at)}  status: ${presenceWords({ status: p.status, receivingQueueCalls: p.receivingQueueCalls })}${was}`);
  }

  presenceReminder(r: PresenceReminder): void {
    write(`${time(Date.now())}  ⚠ ${r.message}: "voipbin-notifier status available"`);
  }

  presenceOff(message: string): void {
    write(`${time(Date.now())}  ${message}`);
  }

  transcript(t: TranscriptHeard): void {
    // The call is named before its first line, and again whenever the lines switch to another
    // call (two calls at once interleave): a line is never read as another call's.
    const heading = `── ${t.callId === null ? `transcribe ${t.transcribeId} (its call is not known)` : `call ${t.callId}`}`;
    if (heading !== this.transcriptHeading) write(heading);
    this.transcriptHeading = heading;
    const s = t.segment;
    write(`${time(s.at)}  ${SPEAKER_NAMES[t.speaker].padEnd(6)}  ${s.text}`);
  }
}
