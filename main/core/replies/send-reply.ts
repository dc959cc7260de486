import { z } from 'zod';
import type { RestClient } from '../api/index.js';
import type { Identity } from '../account/index.js';
import { NotifierError, isNotifierError } from '../platform/index.js';
import { isUuid } from '../../../shared/topics.js';

/**
 * Replies without the console (PROTOCOL.md §11.3): to a conversation (SMS, chat channels) with
 * `POST /service_agents/conversations/{id}/messages` — the agent must own it — or, for admins,
 * managers and access keys, `/conversations/{id}/messages`; to team chat with
 * `POST /service_agents/talk_messages` `{chat_id, type:"normal", text}`. Sent once: a POST is
 * never retried, since one that reached the server may have been delivered. A failure says why
 * in words and keeps the text (`unsentText`), so nothing typed is lost.
 */
export type ReplyTarget = { kind: 'conversation'; id: string } | { kind: 'chat'; id: string };

export interface SentReply {
  target: ReplyTarget;
  messageId: string;
}

/** Long enough for any chat message; a conversation over SMS is split by the server. */
export const REPLY_MAX_CHARS = 4_000;

const CreatedSchema = z.looseObject({ id: z.string() });

export class ReplyError extends NotifierError {
  override readonly name = 'ReplyError';
  constructor(
    cause: NotifierError,
    /** What was typed, never lost: shown again, or written where the person can take it. */
    readonly unsentText: string,
  ) {
    super(cause.code, `Your reply was not sent: ${cause.userMessage}`, cause.details, { cause });
  }
}

/** The text as it will be sent, or a bad_usage error saying what is wrong with it. */
export function checkReplyText(text: string): string {
  if (text.trim() === '') throw new NotifierError('bad_usage', 'The reply is empty: nothing was sent.');
  if (Array.from(text).length > REPLY_MAX_CHARS)
    throw new NotifierError('bad_usage', `The reply is longer than ${REPLY_MAX_CHARS} characters: nothing was sent.`);
  return text;
}

export function checkReplyTarget(t: ReplyTarget): ReplyTarget {
  if (!isUuid(t.id)) throw new NotifierError('bad_usage', `"${t.id.slice(0, 40)}" is not a ${t.kind === 'chat' ? 'chat' : 'conversation'} id (a UUID).`);
  return { kind: t.kind, id: t.id.toLowerCase() };
}

export async function sendReply(rest: RestClient, identity: Identity, target: ReplyTarget, text: string): Promise<SentReply> {
  const t = checkReplyTarget(target);
  const body = checkReplyText(text);
  if (t.kind === 'chat' && identity.kind !== 'agent') {
    // Team chat is written by agents only (/service_agents/*): an access key would be refused as unsigned.
    throw new ReplyError(new NotifierError('forbidden', 'an access key has no agent, so it cannot write in team chat: sign in as the agent.'), text);
  }
  try {
    const created =
      t.kind === 'chat'
        ? await rest.post('/service_agents/talk_messages', { chat_id: t.id, type: 'normal', text: body }, CreatedSchema)
        : await rest.post(conversationPath(identity, t.id), { text: body, medias: [] }, CreatedSchema);
    return { target: t, messageId: created.id };
  } catch (e) {
    const err = isNotifierError(e) ? e : new NotifierError('server_error', String(e));
    throw new ReplyError(explain(err, t), text);
  }
}

/** Agents reply as themselves (only to conversations they own); access keys have no agent. */
function conversationPath(identity: Identity, id: string): string {
  return identity.kind === 'agent' ? `/service_agents/conversations/${id}/messages` : `/conversations/${id}/messages`;
}

function explain(e: NotifierError, t: ReplyTarget): NotifierError {
  if (e.code === 'forbidden' || ('httpStatus' in e && e.httpStatus === 403)) {
    const why = t.kind === 'chat' ? 'you are not a member of that team chat' : 'that conversation is not assigned to you';
    return new NotifierError(e.code, `VoIPBIN refused it: ${why}.`, e.details);
  }
  if (e.code === 'not_found')
    return new NotifierError(e.code, `There is no such ${t.kind === 'chat' ? 'team chat' : 'conversation'} on this VoIPBIN account.`, e.details);
  return e;
}
