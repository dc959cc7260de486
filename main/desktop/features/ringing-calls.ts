import type { Contact } from '../../core/contacts/index.js';
import type { NotificationText } from '../../core/notify/index.js';
import type { RingingCallView } from '../../../shared/ipc-contract.js';
import type { SessionManager } from '../session/session-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { ConsoleLinks, ConsolePage, Opened } from './console.js';

/**
 * The calls ringing for this agent, as the call window shows them (worded like their pop-ups,
 * privacy applied), and what the agent does there: open one (or its caller's contact) in the
 * console, or dismiss it from the window (it keeps ringing elsewhere, and stays in the history).
 */
export class RingingCalls {
  /** Calls the agent took out of the call window. */
  private readonly dismissed = new Set<string>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly sessions: SessionManager,
    private readonly links: ConsoleLinks,
    private readonly changed: () => void,
  ) {}

  views(): RingingCallView[] {
    const n = this.settings.settings.notifications;
    const center = this.sessions.current?.session.center;
    if (center === undefined || !n.callWindow || !n.kinds.incoming_call.enabled) return [];
    const ringing = center.ringingForMe();
    // Forget dismissals of calls that stopped ringing, so the set stays as small as what rings.
    for (const id of this.dismissed) if (!ringing.some((r) => r.resourceId === id)) this.dismissed.delete(id);
    return ringing
      .filter((r) => !this.dismissed.has(r.resourceId))
      .map((r) => {
        const text = n.privacy ? r.private : r;
        return {
          id: r.resourceId,
          title: text.title,
          body: text.body,
          startedAt: r.at,
          openable: this.links.urlFor(r.resource) !== undefined,
          // The button names no one: privacy mode hides who is calling, not that a page exists.
          contactOpenable: this.links.urlFor(contactPage(r.contact)) !== undefined,
        };
      });
  }

  async open(id: string): Promise<Opened> {
    const call = this.shown(id);
    if (call === undefined) return { opened: false, message: 'That call is no longer ringing.' };
    return this.links.open(call.resource);
  }

  /** The caller's page in the console's contacts, once the caller was found there. */
  async openContact(id: string): Promise<Opened> {
    const call = this.shown(id);
    if (call === undefined) return { opened: false, message: 'That call is no longer ringing.' };
    if (call.contact === undefined) return { opened: false, message: 'This caller is not in your VoIPBIN contacts.' };
    return this.links.open(contactPage(call.contact));
  }

  private shown(id: string): NotificationText | undefined {
    const call = this.sessions.current?.session.center?.ringingForMe().find((r) => r.resourceId === id);
    return call !== undefined && this.views().some((r) => r.id === id) ? call : undefined;
  }

  dismiss(id: string): { ringing: number } {
    this.dismissed.add(id);
    this.changed();
    return { ringing: this.views().length };
  }
}

function contactPage(c: Contact | undefined): ConsolePage | undefined {
  return c === undefined ? undefined : { kind: 'contact', id: c.id };
}
