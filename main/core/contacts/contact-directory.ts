import { z } from 'zod';
import { LRUCache } from 'lru-cache';
import type { RestClient } from '../api/index.js';
import type { Identity } from '../account/index.js';
import { ApiError, describeError, type Logger } from '../platform/index.js';

/**
 * The caller's name from the customer's VoIPBIN contacts (PROTOCOL.md §11.3): agents ask
 * `/service_agents/contacts/lookup?phone=`, access keys `/contacts/lookup?phone=`; a 404
 * CONTACT_NOT_FOUND is "not a contact". Answers are cached (bounded; a contact for 10 minutes, "not
 * a contact" for 2), one request per number is in flight at a time, and only a few numbers at
 * once: a storm of strangers calling must not become a storm of requests. A failing service
 * answers "not known" (briefly cached too), never an error a pop-up would wait on.
 *
 * Every field is someone else's text (whoever edits the contacts): it is shown only through the
 * notification content's bounds.
 */
export interface Contact {
  id: string;
  /** display_name, else first and last name; "" when the contact has none. */
  name: string;
  company: string;
  jobTitle: string;
}

export interface ContactNames {
  /** A contact for this number; null: known not to be one (or not knowable now); undefined: not asked yet. */
  known(phone: string): Contact | null | undefined;
  /** Asks for this number (sharing a request in flight); undefined when it is not asked (not a number, or too many in flight). */
  lookUp(phone: string): Promise<Contact | null> | undefined;
}

export interface ContactDirectoryOptions {
  rest: RestClient;
  identity: Identity;
  logger: Logger;
  maxInFlight?: number;
  now?: () => number;
}

const FOUND_TTL_MS = 10 * 60_000;
const NOT_FOUND_TTL_MS = 2 * 60_000;
/** A failing service is asked again after this, not on every call. */
const FAILED_TTL_MS = 30_000;
const MAX_ENTRIES = 2_000;
const MAX_IN_FLIGHT = 4;
/** New numbers asked per second at most: an agent gets a few calls a minute, a storm thousands. */
const MAX_PER_SECOND = 10;
const E164 = /^\+\d{3,15}$/;

/** What contact-manager takes (E.164): a plus and 3 to 15 digits. */
export function isE164(phone: string): boolean {
  return E164.test(phone);
}

const ContactSchema = z.looseObject({ id: z.string() });

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** A contact as the server sent it, every field type-checked: odd types read as absent. */
export function readContact(raw: Record<string, unknown> & { id: string }): Contact {
  const display = text(raw.display_name);
  const name = display !== '' ? display : [text(raw.first_name), text(raw.last_name)].filter((s) => s !== '').join(' ');
  return { id: raw.id, name, company: text(raw.company), jobTitle: text(raw.job_title) };
}

export class ContactDirectory implements ContactNames {
  private readonly cache: LRUCache<string, { contact: Contact | null }>;
  private readonly inFlight = new Map<string, Promise<Contact | null>>();
  private readonly log: Logger;
  private readonly path: string;
  /** This sign-in may not read contacts (401/403): not asked again, said once. */
  private refused = false;
  private windowStart = Number.NEGATIVE_INFINITY;
  private askedInWindow = 0;

  constructor(private readonly o: ContactDirectoryOptions) {
    this.log = o.logger.child({ component: 'contacts' });
    // Ages on the same clock as the rest (a test's own): read on every look, a few a minute at most.
    const now = o.now;
    this.cache = new LRUCache({ max: MAX_ENTRIES, ttl: FOUND_TTL_MS, ...(now !== undefined ? { perf: { now }, ttlResolution: 0 } : {}) });
    // An access key is no agent: /service_agents/* refuses it (PROTOCOL.md §11.3).
    this.path = o.identity.kind === 'agent' ? '/service_agents/contacts/lookup' : '/contacts/lookup';
  }

  known(phone: string): Contact | null | undefined {
    return this.cache.get(phone)?.contact;
  }

  lookUp(phone: string): Promise<Contact | null> | undefined {
    if (this.refused || !isE164(phone)) return undefined;
    const cached = this.cache.get(phone);
    if (cached !== undefined) return Promise.resolve(cached.contact);
    const running = this.inFlight.get(phone);
    if (running !== undefined) return running;
    if (this.inFlight.size >= (this.o.maxInFlight ?? MAX_IN_FLIGHT) || !this.mayAskNow()) return undefined;
    const asking = this.ask(phone).finally(() => this.inFlight.delete(phone));
    this.inFlight.set(phone, asking);
    return asking;
  }

  private mayAskNow(): boolean {
    const now = (this.o.now ?? Date.now)();
    // abs(): a wall clock stepped back starts a new window rather than none until it catches up.
    if (Math.abs(now - this.windowStart) >= 1_000) {
      this.windowStart = now;
      this.askedInWindow = 0;
    }
    if (this.askedInWindow >= MAX_PER_SECOND) return false;
    this.askedInWindow += 1;
    return true;
  }

  private async ask(phone: string): Promise<Contact | null> {
    try {
      const contact = readContact(await this.o.rest.get(this.path, ContactSchema, { phone }));
      this.cache.set(phone, { contact });
      return contact;
    } catch (e) {
      const notFound = e instanceof ApiError && e.httpStatus === 404;
      if (e instanceof ApiError && (e.httpStatus === 401 || e.httpStatus === 403)) {
        this.refused = true;
        this.log.warn('this sign-in may not read VoIPBIN contacts: callers are shown by number', { error: describeError(e) });
      } else if (!notFound) this.log.warn('could not look the caller up in contacts', { error: describeError(e) });
      this.cache.set(phone, { contact: null }, { ttl: notFound ? NOT_FOUND_TTL_MS : FAILED_TTL_MS });
      return null;
    }
  }
}
