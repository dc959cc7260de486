import type { Address, Identity } from './identity.js';
import type { ResourceEvent } from './listener.js';
import type { CallDecision, OfferView } from './call-offers.js';
import type { NotificationKind } from '../../shared/notification-settings.js';

/**
 * What a notification says. Pure: the same decision always reads the same, and every pop-up has a
 * privacy twin that shows no phone number and no message text (screen sharing, open-plan desks).
 */
export interface NotificationText {
  kind: NotificationKind;
  /** The resource the pop-up is about (offer id for calls); updates and withdrawals use it. */
  resourceId: string;
  title: string;
  body: string;
  /** The same notification with numbers and message text hidden. */
  private: { title: string; body: string };
  /** Wall-clock ms of what happened (the call's ring time, the message's creation). */
  at: number;
  /** A call ringing for this agent: never held back by storm control. */
  personal?: boolean;
}

const PREVIEW_CHARS = 140;
const looksLikeNumber = (s: string): boolean => /^[+\d][\d\s().-]{2,}$/.test(s) || s.startsWith('sip:');

export function preview(text: unknown): string {
  if (typeof text !== 'string') return '';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > PREVIEW_CHARS ? `${oneLine.slice(0, PREVIEW_CHARS - 1)}…` : oneLine;
}

/** A name if the address has one, else its number or URI. */
export function partyName(a: Address | undefined): string {
  const name = a?.name ?? a?.target_name;
  if (name !== undefined && name !== '' && !(a?.target_name === name && name === a.target)) return name;
  return a?.target ?? 'Unknown caller';
}

/** The same, without numbers: a name only if it is not itself a number. */
function privateParty(a: Address | undefined, fallback: string): string {
  const name = a?.name ?? a?.target_name;
  return name !== undefined && name !== '' && !looksLikeNumber(name) ? name : fallback;
}

function describeVia(via: Address | undefined, scope: OfferView['scope']): string {
  if (via?.target === undefined) return scope === 'customer' ? 'Inbound call' : 'Ringing for you';
  const label = via.name ?? (via.target_name !== via.target ? via.target_name : undefined);
  const where = via.type === 'extension' ? `extension ${via.target}` : via.target;
  return scope === 'customer' ? `To ${label ?? where}` : `Ringing on ${label !== undefined ? `${label} (${where})` : where}`;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export function callText(d: Extract<CallDecision, { type: 'ring' | 'missed' }>): NotificationText {
  const o = d.offer;
  const caller = partyName(o.caller);
  if (d.type === 'ring') {
    return {
      kind: 'incoming_call',
      resourceId: o.id,
      title: `Incoming call from ${caller}`,
      body: describeVia(o.via, o.scope),
      private: { title: `Incoming call from ${privateParty(o.caller, 'a caller')}`, body: o.scope === 'customer' ? 'Inbound call' : 'Ringing for you' },
      at: o.startedAt,
      personal: o.scope === 'me',
    };
  }
  return {
    kind: 'missed_call',
    resourceId: o.id,
    title: `Missed call from ${caller}`,
    body: `at ${clock(o.startedAt)}`,
    private: { title: `Missed call from ${privateParty(o.caller, 'a caller')}`, body: `at ${clock(o.startedAt)}` },
    at: o.startedAt,
  };
}

const msgTime = (e: ResourceEvent): number => (e.updatedAt !== undefined ? Math.floor(e.updatedAt / 1000) : e.receivedAt);
const addr = (v: unknown): Address | undefined => (v !== null && typeof v === 'object' ? (v) : undefined);

/** Inbound SMS, incoming conversation messages and team chat from others; undefined for the rest. */
export function messageText(e: ResourceEvent, me: Identity, agentName: (id: string) => string | undefined = () => undefined): NotificationText | undefined {
  if (e.id === undefined) return undefined;
  const d = e.data;
  if (e.kind === 'sms' && d.direction === 'inbound') {
    const from = addr(d.source);
    const targets = Array.isArray(d.targets) ? (d.targets as { destination?: Address }[]) : [];
    const to = targets[0]?.destination?.target;
    return {
      kind: 'inbound_message', resourceId: e.id, at: msgTime(e),
      title: `SMS from ${partyName(from)}${to !== undefined ? ` to ${to}` : ''}`,
      body: preview(d.text) || '(no text)',
      private: { title: `SMS from ${privateParty(from, 'a customer')}`, body: 'Message hidden (privacy mode)' },
    };
  }
  if (e.kind === 'conversation_message' && d.direction === 'incoming') {
    const from = addr(d.source);
    const medias = Array.isArray(d.medias) ? d.medias.length : 0;
    return {
      kind: 'inbound_message', resourceId: e.id, at: msgTime(e),
      title: `Message from ${partyName(from)}`,
      body: preview(d.text) || (medias > 0 ? `${medias} attachment${medias === 1 ? '' : 's'}` : '(no text)'),
      private: { title: `Message from ${privateParty(from, 'a customer')}`, body: 'Message hidden (privacy mode)' },
    };
  }
  if (e.kind === 'chat_message' && d.type !== 'system' && (me.kind !== 'agent' || d.owner_id !== me.agentId)) {
    // Chat messages carry only the sender's agent id.
    const sender = (typeof d.owner_id === 'string' ? agentName(d.owner_id) : undefined) ?? 'a teammate';
    return {
      kind: 'chat_message', resourceId: e.id, at: msgTime(e),
      title: `Team chat from ${sender}`,
      body: preview(d.text) || '(attachment)',
      private: { title: `Team chat from ${sender}`, body: 'Message hidden (privacy mode)' },
    };
  }
  return undefined;
}

/** "3 missed calls, 5 messages"; with a qualifier, "12 more calls". */
export function countsInWords(counts: Partial<Record<NotificationKind, number>>, qualifier = ''): string {
  const parts: string[] = [];
  const add = (n: number | undefined, one: string, many: string): void => {
    if (n !== undefined && n > 0) parts.push(`${n} ${qualifier}${n === 1 ? one : many}`);
  };
  add(counts.missed_call, 'missed call', 'missed calls');
  add(counts.incoming_call, 'call', 'calls');
  add((counts.inbound_message ?? 0) + (counts.chat_message ?? 0), 'message', 'messages');
  return parts.join(', ');
}
