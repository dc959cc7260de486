import type { Address, Identity } from '../account/index.js';
import { type ResourceEvent, readAddress } from '../stream/index.js';
import type { CallDecision, OfferView } from './call-offers.js';
import { displayText } from '../platform/index.js';
import type { TeamNames } from '../team/index.js';
import { isE164, type Contact } from '../contacts/index.js';
import type { ReplyTarget } from '../replies/index.js';
import type { NotificationKind } from '../../../shared/notification-settings.js';
import { isUuid } from '../../../shared/topics.js';

/**
 * What a notification says. Pure: the same decision always reads the same, and every pop-up has a
 * privacy twin that shows no phone number and no message text (screen sharing, open-plan desks).
 *
 * Names, numbers and texts come from callers and customers: each is read type-checked, made one
 * plain line (displayText) and bounded, so a pop-up, a history entry and a `--json` line all show
 * the same harmless text, and odd input reads as "unknown", never as no notification.
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
  /** The call or group call it is about, for opening it in the console (calls only). */
  resource?: ResourceRef | undefined;
  /** The caller's or sender's number, to look up in contacts (core/contacts); only an E.164-looking one. */
  callerNumber?: string | undefined;
  /** The words naming the caller in the title, which a contact's name replaces. */
  party?: string | undefined;
  /** The contact the number belongs to, once known. */
  contact?: Contact | undefined;
  /** Where an answer goes: the conversation, or the team chat (agents only write there). */
  replyTo?: ReplyTarget | undefined;
}

export interface ResourceRef {
  kind: 'call' | 'groupcall';
  id: string;
}

export const TITLE_MAX = 120;
export const BODY_MAX = 400;
const PREVIEW_CHARS = 140;
/** A name or number inside a title, leaving room for the words around it. */
const PARTY_MAX = 80;
const looksLikeNumber = (s: string): boolean => /^[+\d][\d\s().-]{2,}$/.test(s) || s.startsWith('sip:');

export function preview(text: unknown): string {
  return displayText(text, PREVIEW_CHARS);
}

/** A name if the address has one, else its number or URI. */
export function partyName(a: Address | undefined): string {
  const name = displayText(a?.name ?? a?.target_name, PARTY_MAX);
  if (name !== '') return name;
  const target = displayText(a?.target, PARTY_MAX);
  return target !== '' ? target : 'Unknown caller';
}

/** The same, without numbers: a name only if it is not itself a number. */
export function privateParty(a: Address | undefined, fallback: string): string {
  const name = displayText(a?.name ?? a?.target_name, PARTY_MAX);
  return name !== '' && !looksLikeNumber(name) ? name : fallback;
}

function describeVia(via: Address | undefined, scope: OfferView['scope']): string {
  const target = displayText(via?.target, PARTY_MAX);
  if (target === '') return scope === 'customer' ? 'Inbound call' : 'Ringing for you';
  const named = displayText(via?.name ?? (via?.target_name !== via?.target ? via?.target_name : undefined), PARTY_MAX);
  const label = named !== '' ? named : undefined;
  const where = via?.type === 'extension' ? `extension ${target}` : target;
  return scope === 'customer' ? `To ${label ?? where}` : `Ringing on ${label !== undefined ? `${label} (${where})` : where}`;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Every text leaves here bounded: a 200 KB caller name must not cost the pop-up. */
function bounded(t: NotificationText): NotificationText {
  t.title = displayText(t.title, TITLE_MAX);
  t.body = displayText(t.body, BODY_MAX);
  t.private = { title: displayText(t.private.title, TITLE_MAX), body: displayText(t.private.body, BODY_MAX) };
  return t;
}

/** A number worth asking contacts about: E.164, as VoIPBIN writes tel addresses. */
function numberOf(a: Address | undefined): string | undefined {
  const t = a?.target;
  return t !== undefined && (a?.type === undefined || a.type === 'tel') && isE164(t) ? t : undefined;
}

/**
 * The same notification naming the contact: the name in place of the number (or of the name the
 * caller chose), the company and job title before the body. The privacy twin is left as it was.
 */
export function withContact(t: NotificationText, c: Contact): NotificationText {
  const name = displayText(c.name !== '' ? c.name : c.company, PARTY_MAX);
  if (name === '') return { ...t, contact: c };
  const org = displayText([c.name !== '' ? c.company : '', c.jobTitle].filter((x) => x !== '').join(', '), PARTY_MAX);
  const party = t.party;
  return bounded({
    ...t,
    // A function, not a string: "$&" in a contact's name must stay text.
    title: party !== undefined && t.title.includes(party) ? t.title.replace(party, () => name) : t.title,
    body: org !== '' ? `${org} · ${t.body}` : t.body,
    party: name,
    contact: c,
  });
}

export function callText(d: Extract<CallDecision, { type: 'ring' | 'missed' }>): NotificationText {
  const o = d.offer;
  const caller = partyName(o.caller);
  // Field by field, not spread: a spread is a V8 slow path on every call decision of a busy queue.
  const callerNumber = numberOf(o.caller);
  if (d.type === 'ring') {
    return bounded({
      party: caller,
      callerNumber,
      kind: 'incoming_call',
      resourceId: o.id,
      title: `Incoming call from ${caller}`,
      body: describeVia(o.via, o.scope),
      private: { title: `Incoming call from ${privateParty(o.caller, 'a caller')}`, body: o.scope === 'customer' ? 'Inbound call' : 'Ringing for you' },
      at: o.startedAt,
      personal: o.scope === 'me',
      resource: { kind: o.resource, id: o.id },
    });
  }
  return bounded({
    party: caller,
    callerNumber,
    kind: 'missed_call',
    resourceId: o.id,
    title: `Missed call from ${caller}`,
    body: `at ${clock(o.startedAt)}`,
    private: { title: `Missed call from ${privateParty(o.caller, 'a caller')}`, body: `at ${clock(o.startedAt)}` },
    at: o.startedAt,
    resource: { kind: o.resource, id: o.id },
  });
}

const msgTime = (e: ResourceEvent): number => (e.updatedAt !== undefined ? Math.floor(e.updatedAt / 1000) : e.receivedAt);

/** What message text needs to name team chat's people and chats: see core/team. */
export type NameLookup = Pick<TeamNames, 'agentName' | 'chatName'>;

const NO_NAMES: NameLookup = { agentName: () => undefined, chatName: () => undefined };

/** A team chat message from someone else: the one kind whose text waits for names (see core/team). */
export function teamChatFromOthers(e: ResourceEvent, me: Identity): { agentId: string | undefined; chatId: string | undefined } | undefined {
  const d = e.data;
  if (e.kind !== 'chat_message' || d.type === 'system' || (me.kind === 'agent' && d.owner_id === me.agentId)) return undefined;
  return { agentId: typeof d.owner_id === 'string' ? d.owner_id : undefined, chatId: typeof d.chat_id === 'string' ? d.chat_id : undefined };
}

/** Inbound SMS, incoming conversation messages and team chat from others; undefined for the rest. */
export function messageText(e: ResourceEvent, me: Identity, names: NameLookup = NO_NAMES): NotificationText | undefined {
  if (e.id === undefined) return undefined;
  const d = e.data;
  if (e.kind === 'sms' && d.direction === 'inbound') {
    const from = readAddress(d.source);
    const first: unknown = Array.isArray(d.targets) ? d.targets[0] : undefined;
    const to = displayText(
      first !== null && typeof first === 'object' && 'destination' in first ? readAddress(first.destination)?.target : undefined,
      PARTY_MAX,
    );
    return bounded({
      party: partyName(from),
      callerNumber: numberOf(from),
      kind: 'inbound_message',
      resourceId: e.id,
      at: msgTime(e),
      title: `SMS from ${partyName(from)}${to !== '' ? ` to ${to}` : ''}`,
      body: preview(d.text) || '(no text)',
      private: { title: `SMS from ${privateParty(from, 'a customer')}`, body: 'Message hidden (privacy mode)' },
    });
  }
  if (e.kind === 'conversation_message' && d.direction === 'incoming') {
    const from = readAddress(d.source);
    const medias = Array.isArray(d.medias) ? d.medias.length : 0;
    return bounded({
      replyTo: replyTarget('conversation', d.conversation_id),
      party: partyName(from),
      callerNumber: numberOf(from),
      kind: 'inbound_message',
      resourceId: e.id,
      at: msgTime(e),
      title: `Message from ${partyName(from)}`,
      body: preview(d.text) || (medias > 0 ? `${medias} attachment${medias === 1 ? '' : 's'}` : '(no text)'),
      private: { title: `Message from ${privateParty(from, 'a customer')}`, body: 'Message hidden (privacy mode)' },
    });
  }
  const chat = teamChatFromOthers(e, me);
  if (chat !== undefined) {
    // Chat messages carry only ids: the names are looked up (core/team), "a teammate" only when unknown.
    const sender = displayText(chat.agentId !== undefined ? names.agentName(chat.agentId) : undefined, PARTY_MAX) || 'a teammate';
    const room = displayText(chat.chatId !== undefined ? names.chatName(chat.chatId) : undefined, PARTY_MAX);
    const title = room !== '' ? `${sender} in ${room}` : `Team chat from ${sender}`;
    return bounded({
      // Team chat is written by agents only: an access key reads it but cannot answer.
      replyTo: me.kind === 'agent' ? replyTarget('chat', chat.chatId) : undefined,
      kind: 'chat_message',
      resourceId: e.id,
      at: msgTime(e),
      title,
      body: preview(d.text) || '(attachment)',
      private: { title, body: 'Message hidden (privacy mode)' },
    });
  }
  return undefined;
}

/** Only an id shaped like one: a frame's field becomes part of a request path when the agent answers. */
function replyTarget(kind: ReplyTarget['kind'], id: unknown): ReplyTarget | undefined {
  return typeof id === 'string' && isUuid(id) ? { kind, id: id.toLowerCase() } : undefined;
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
