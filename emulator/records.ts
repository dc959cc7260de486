// Records the tests seed, shaped as the managers store them: conversation-manager's conversation,
// contact-manager's contact (bin-contact-manager/models/contact/webhook.go).
import type { Address, ContactRecord } from './types.js';
import { NIL_UUID, newUuid } from './uuid.js';

export interface ConversationSeed {
  customerId: string;
  ownerId?: string;
  peer?: Address;
  self?: Address;
}

export function conversationRecord(c: ConversationSeed, ts: string): Record<string, unknown> & { id: string } {
  return {
    id: newUuid(),
    customer_id: c.customerId,
    owner_type: c.ownerId !== undefined ? 'agent' : '',
    owner_id: c.ownerId ?? NIL_UUID,
    account_id: '',
    name: '',
    detail: '',
    type: 'message',
    dialog_id: '',
    self: c.self ?? { type: 'tel', target: '+15550199' },
    peer: c.peer ?? { type: 'tel', target: '+15550142' },
    reference_type: 'message',
    reference_id: '',
    tm_create: ts,
    tm_update: ts,
  };
}

export interface ContactSeed {
  customerId: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  company?: string;
  jobTitle?: string;
  phones?: string[];
  emails?: string[];
  /** Soft-deleted: contact-manager's lookups no longer find it. */
  deleted?: boolean;
}

export function contactRecord(c: ContactSeed, ts: string): ContactRecord {
  const phones = c.phones ?? [];
  return {
    id: newUuid(),
    customer_id: c.customerId,
    first_name: c.firstName ?? '',
    last_name: c.lastName ?? '',
    display_name: c.displayName ?? '',
    company: c.company ?? '',
    job_title: c.jobTitle ?? '',
    source: 'manual',
    external_id: '',
    notes: '',
    addresses: [
      ...phones.map((target, i) => ({ type: 'tel' as const, target, is_primary: i === 0 })),
      ...(c.emails ?? []).map((target, i) => ({ type: 'email' as const, target, is_primary: i === 0 && phones.length === 0 })),
    ],
    tag_ids: [],
    tm_create: ts,
    tm_update: ts,
    ...(c.deleted === true ? { tm_delete: ts } : {}),
  };
}
