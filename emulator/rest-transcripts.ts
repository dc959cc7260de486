// Transcribes and transcripts as api-manager serves them (PROTOCOL.md §3.10, §11.3): admins,
// managers and access keys read /transcribes/{id} and /transcripts?transcribe_id=; any agent of
// the customer reads /service_agents/transcribes?reference_type=&reference_id= (both or neither,
// one alone is a 400) and /service_agents/transcripts?transcribe_id= (required). Lists are the
// usual {result, next_page_token} pages, newest first.
import { mayAccess } from './auth.js';
import { ADMIN_OR_MANAGER, agentOnly, getAdmin, listReply, ownRows, type Handler } from './rest-kit.js';
import { errorReply, permissionDeniedReply } from './reply.js';
import { parseUuid } from './uuid.js';

const transcribesByReference: Handler = (ctx) => {
  const type = ctx.url.params.get('reference_type') ?? '';
  const id = ctx.url.params.get('reference_id') ?? '';
  if ((type === '') !== (id === '')) return errorReply(400, 'INVALID_ARGUMENT', 'reference_type and reference_id must be given together.', ctx.requestId);
  const ref = id === '' ? null : parseUuid(id);
  if (id !== '' && ref === null) return errorReply(400, 'INVALID_ARGUMENT', 'reference_id is not a valid UUID.', ctx.requestId);
  return listReply(
    ctx,
    ownRows(
      ctx,
      ctx.deps.store.transcribes,
      (r) => ref === null || (r.reference_type === type && typeof r.reference_id === 'string' && parseUuid(r.reference_id) === ref),
    ),
  );
};

const transcriptsOf: Handler = (ctx) => {
  const raw = ctx.url.params.get('transcribe_id') ?? '';
  const id = parseUuid(raw);
  if (id === null) return errorReply(400, 'INVALID_ARGUMENT', 'transcribe_id is required.', ctx.requestId);
  return listReply(
    ctx,
    ownRows(ctx, ctx.deps.store.transcripts, (r) => typeof r.transcribe_id === 'string' && parseUuid(r.transcribe_id) === id),
  );
};

const adminOnly =
  (h: Handler): Handler =>
  (ctx) =>
    mayAccess(ctx.identity, ctx.identity.customerId, ADMIN_OR_MANAGER) ? h(ctx) : permissionDeniedReply(ctx.requestId);

export const transcriptRoutes = [
  { method: 'GET', pattern: /^\/v1\.0\/transcribes\/([^/]+)$/, handler: getAdmin((d) => d.store.transcribes) },
  { method: 'GET', pattern: /^\/v1\.0\/transcribes$/, handler: adminOnly(transcribesByReference) },
  { method: 'GET', pattern: /^\/v1\.0\/transcripts$/, handler: adminOnly(transcriptsOf) },
  { method: 'GET', pattern: /^\/v1\.0\/service_agents\/transcribes$/, handler: agentOnly(transcribesByReference) },
  { method: 'GET', pattern: /^\/v1\.0\/service_agents\/transcripts$/, handler: agentOnly(transcriptsOf) },
];
