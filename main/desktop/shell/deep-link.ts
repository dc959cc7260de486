/**
 * The `voipbin-notifier://` URL scheme (registered by the installers): other tools — a CRM, a
 * softphone, a wiki page for agents — can open the settings window or a call.
 *   voipbin-notifier://settings            the settings window
 *   voipbin-notifier://call/<call-id>      the call in the VoIPBIN console
 * Anything else is refused with a reason: a link from outside must never make the app do more.
 */
export const URL_SCHEME = 'voipbin-notifier';

export type DeepLink = { kind: 'settings' } | { kind: 'call'; callId: string } | { kind: 'invalid'; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseDeepLink(raw: string): DeepLink {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { kind: 'invalid', reason: 'not a URL' };
  }
  if (url.protocol !== `${URL_SCHEME}:`) return { kind: 'invalid', reason: `not a ${URL_SCHEME}:// link` };
  // "voipbin-notifier://call/ID" puts "call" in the host; "voipbin-notifier:call/ID" in the path.
  const parts = [url.hostname, ...url.pathname.split('/')].filter((p) => p !== '');
  const [what, id, ...rest] = parts;
  if (rest.length > 0) return { kind: 'invalid', reason: 'unexpected extra path' };
  if (what === 'settings' && id === undefined) return { kind: 'settings' };
  if (what === 'call' && id !== undefined && UUID.test(id)) return { kind: 'call', callId: id.toLowerCase() };
  if (what === 'call') return { kind: 'invalid', reason: 'a call link needs a call id (a UUID)' };
  return { kind: 'invalid', reason: `unknown link "${what ?? ''}"; use ${URL_SCHEME}://settings or ${URL_SCHEME}://call/<call id>` };
}

/** The link among a process's arguments (Windows and Linux pass it on the command line). */
export function findDeepLink(argv: readonly string[]): string | undefined {
  return argv.find((a) => a.toLowerCase().startsWith(`${URL_SCHEME}:`));
}
