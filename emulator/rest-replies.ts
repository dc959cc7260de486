// Replies as VoIPBIN takes them (PROTOCOL.md §11.3): a conversation message by its owner
// (or an admin/manager) at /service_agents/conversations/{id}/messages, by an admin/manager at
// /conversations/{id}/messages — `{"text","medias":[]}`, both required — and a team chat message
// by a participant at /service_agents/talk_messages — `{"chat_id","type":"normal"|"system","text"}`.
// What is created is published as the server's own event.
import { mayAccess } from './auth.js';
import { ADMIN_OR_MANAGER, agentOnly, ownedBy, type Ctx, type Handler } from './rest-kit.js';
import { errorReply, jsonReply, permissionDeniedReply } from './reply.js';
import { formatRfc3339Micros, uniqueNowMicros } from './time.js';
import { newUuid, parseUuid } from './uuid.js';

function body(ctx: Ctx): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(ctx.body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const invalid = (ctx: Ctx, what: string) => errorReply(400, 'INVALID_ARGUMENT', what, ctx.requestId);

function conversationMessage(asAdmin: boolean): Handler {
  return (ctx) => {
    const id = parseUuid(ctx.param);
    if (id === null) return errorReply(400, 'INVALID_ID', 'The provided id is not a valid UUID.', ctx.requestId);
    const conv = ctx.deps.store.conversations.get(id);
    if (conv === undefined || conv.customer_id !== ctx.identity.customerId)
      return errorReply(404, 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', ctx.requestId);
    const admin = mayAccess(ctx.identity, ctx.identity.customerId, ADMIN_OR_MANAGER);
    if (asAdmin ? !admin : !admin && !ownedBy(ctx, conv)) return permissionDeniedReply(ctx.requestId);
    const b = body(ctx);
    if (b === undefined || typeof b.text !== 'string' || !Array.isArray(b.medias)) return invalid(ctx, 'text and medias are required.');
    const ts = formatRfc3339Micros(uniqueNowMicros());
    const message = {
      id: newUuid(),
      customer_id: conv.customer_id,
      conversation_id: id,
      direction: 'outgoing',
      status: 'progressing',
      reference_type: conv.reference_type ?? 'message',
      reference_id: conv.reference_id ?? '',
      transaction_id: '',
      source: conv.self ?? null,
      destination: conv.peer ?? null,
      text: b.text,
      medias: b.medias,
      tm_create: ts,
      tm_update: ts,
    };
    ctx.deps.store.published?.('conversation_message_created', message);
    return jsonReply(200, message, ctx.requestId);
  };
}

const talkMessage: Handler = (ctx) => {
  const b = body(ctx);
  if (b === undefined || typeof b.chat_id !== 'string' || typeof b.text !== 'string') return invalid(ctx, 'chat_id, type and text are required.');
  if (b.type !== 'normal' && b.type !== 'system') return invalid(ctx, 'type must be normal or system.');
  const chatId = parseUuid(b.chat_id);
  const chat = chatId === null ? undefined : ctx.deps.store.chats.get(chatId);
  if (chatId === null || chat === undefined || chat.customer_id !== ctx.identity.customerId)
    return errorReply(404, 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', ctx.requestId);
  const members = ctx.deps.store.chatMembers(chatId);
  if (!members.includes(ctx.identity.agentId ?? '')) return permissionDeniedReply(ctx.requestId);
  const ts = formatRfc3339Micros(uniqueNowMicros());
  const message = {
    id: newUuid(),
    customer_id: ctx.identity.customerId,
    owner_type: 'agent',
    owner_id: ctx.identity.agentId,
    chat_id: chatId,
    parent_id: typeof b.parent_id === 'string' ? b.parent_id : '',
    type: b.type,
    text: b.text,
    medias: Array.isArray(b.medias) ? b.medias : [],
    tm_create: ts,
    tm_update: ts,
  };
  ctx.deps.store.published?.('chatmessage_created', message, members);
  return jsonReply(200, message, ctx.requestId);
};

export const replyRoutes = [
  { method: 'POST', pattern: /^\/v1\.0\/service_agents\/conversations\/([^/]+)\/messages$/, handler: agentOnly(conversationMessage(false)) },
  { method: 'POST', pattern: /^\/v1\.0\/conversations\/([^/]+)\/messages$/, handler: conversationMessage(true) },
  { method: 'POST', pattern: /^\/v1\.0\/service_agents\/talk_messages$/, handler: agentOnly(talkMessage) },
];
