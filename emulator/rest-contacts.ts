// Contacts lookup as contact-manager answers it (PROTOCOL.md §11.3): by `phone` (E.164,
// normalised) or `email`; neither is a 400, no match (or a soft-deleted contact) a 404
// CONTACT_NOT_FOUND. Agents ask at /service_agents/contacts/lookup, admins, managers and access
// keys at /contacts/lookup.
import { mayAccess } from './auth.js';
import { ADMIN_OR_MANAGER, agentOnly, type Handler } from './rest-kit.js';
import { errorReply, jsonReply, permissionDeniedReply } from './reply.js';
import type { ContactRecord } from './types.js';

/** "+1 (555) 010-0100" and "+15550100100" are one number: a leading + and the digits. */
export function normalisePhone(raw: string): string | undefined {
  const digits = raw.replace(/[\s().-]/g, '');
  return /^\+?\d{3,15}$/.test(digits) ? (digits.startsWith('+') ? digits : `+${digits}`) : undefined;
}

const lookup: Handler = (ctx) => {
  const phone = ctx.url.params.get('phone') ?? '';
  const email = ctx.url.params.get('email') ?? '';
  if (phone === '' && email === '') return errorReply(400, 'INVALID_ARGUMENT', 'phone or email is required.', ctx.requestId);
  const wanted = phone !== '' ? normalisePhone(phone) : email.trim().toLowerCase();
  if (wanted === undefined) return errorReply(400, 'INVALID_ARGUMENT', 'The phone number is not in E.164 format.', ctx.requestId);
  const matches = (a: ContactRecord['addresses'][number]): boolean =>
    phone !== '' ? a.type === 'tel' && normalisePhone(a.target) === wanted : a.type === 'email' && a.target.toLowerCase() === wanted;
  const found = ctx.deps.store.contactsOf(ctx.identity.customerId).find((c) => c.addresses.some(matches));
  if (found === undefined) return errorReply(404, 'CONTACT_NOT_FOUND', 'The contact was not found.', ctx.requestId);
  return jsonReply(200, found, ctx.requestId);
};

export const contactRoutes = [
  { method: 'GET', pattern: /^\/v1\.0\/service_agents\/contacts\/lookup$/, handler: agentOnly(lookup) },
  {
    method: 'GET',
    pattern: /^\/v1\.0\/contacts\/lookup$/,
    handler: ((ctx) => (mayAccess(ctx.identity, ctx.identity.customerId, ADMIN_OR_MANAGER) ? lookup(ctx) : permissionDeniedReply(ctx.requestId))) as Handler,
  },
];
