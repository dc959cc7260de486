/**
 * Deep links into the VoIPBIN console, shared by the main process (which opens them) and the
 * settings window (which validates the template as it is typed). No zod: the window stays small.
 */

/**
 * Where a click on a call notification leads. `{id}` is the call (or group call) id and `{type}`
 * is `calls` or `groupcalls`. The hosted console routes calls under #/resources/calls/….
 */
export const DEFAULT_CONSOLE_URL_TEMPLATE = 'https://admin.voipbin.net/#/resources/calls/{type}_detail/{id}';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export type TemplateVerdict = { ok: true } | { ok: false; reason: string };

/**
 * A console URL template is opened in the user's browser on every click, so it must be a plain
 * https page (http only for a console on this machine) that names the call.
 */
export function checkConsoleTemplate(template: string): TemplateVerdict {
  const t = template.trim();
  if (!t.includes('{id}')) return { ok: false, reason: 'the template must contain {id}, where the call id goes' };
  let url: URL;
  try {
    url = new URL(t.replaceAll('{id}', '00000000-0000-4000-8000-000000000000').replaceAll('{type}', 'calls'));
  } catch {
    return { ok: false, reason: 'not an absolute URL, e.g. https://admin.voipbin.net/#/resources/calls/{type}_detail/{id}' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return { ok: false, reason: 'the console must be an https:// address (plain http only for localhost)' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'the template must not contain a user name or password' };
  return { ok: true };
}

export type ConsoleResource = 'call' | 'groupcall' | 'contact';

/** The console's own route shape: a contact's page sits where a call's does, under contacts/. */
const CALL_ROUTE = 'calls/{type}_detail/';
const CONTACT_ROUTE = 'contacts/contacts_detail/';

/**
 * The URL for one call or contact, or undefined when the template or the id is unusable. The id is
 * checked as a UUID, so nothing from an event can change where the link points. A contact's page
 * is known only for a template with the console's own route shape (the default): a custom page for
 * calls says nothing about where contacts are.
 */
export function consoleUrlFor(template: string, resource: ConsoleResource, id: string): string | undefined {
  if (!checkConsoleTemplate(template).ok || !UUID.test(id)) return undefined;
  const t = template.trim();
  if (resource === 'contact') {
    if (!t.includes(CALL_ROUTE)) return undefined;
    return new URL(t.replace(CALL_ROUTE, CONTACT_ROUTE).replaceAll('{id}', id.toLowerCase())).href;
  }
  const url = t.replaceAll('{id}', id.toLowerCase()).replaceAll('{type}', resource === 'groupcall' ? 'groupcalls' : 'calls');
  return new URL(url).href;
}

/** Only URLs built from the template, to its own origin, may leave the app. */
export function isAllowedConsoleUrl(candidate: string, template: string): boolean {
  if (!checkConsoleTemplate(template).ok) return false;
  let url: URL;
  let base: URL;
  try {
    url = new URL(candidate);
    base = new URL(template.trim().replaceAll('{id}', '0').replaceAll('{type}', 'calls'));
  } catch {
    return false;
  }
  return url.origin === base.origin && url.protocol === base.protocol && url.username === '' && url.password === '';
}
