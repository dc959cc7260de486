/**
 * Text that someone else wrote — a caller's name, an SMS, a webhook URI another admin saved, a
 * receiver's reply — is only ever shown as text. These are the few transformations every place
 * that shows such text uses, each for one kind of display:
 *
 * - `displayText`: one line for a pop-up, a tray label or a window: no control characters, no
 *   line breaks, no bidirectional overrides (which can make "moc.knab" read as "bank.com"),
 *   whitespace collapsed, and bounded.
 * - `terminalSafe`: anything printed for a person in a terminal: no ESC, no C0/C1 controls (OSC 52
 *   writes the clipboard, CSI 2J clears the screen, CR overwrites the line), line breaks kept.
 * - `escapeMarkup`: a notification body for a server that renders markup.
 * - `menuLabel`: a tray or context menu label, where `&` marks a keyboard mnemonic.
 */

/** C0 controls except TAB and LF, DEL, and the C1 block (0x80–0x9F, which 8-bit terminals read as CSI, OSC …). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- as above
const HAS_TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Every control (C0 with TAB/LF/CR, DEL, C1) and the line/paragraph separators. */
// eslint-disable-next-line no-control-regex -- as above
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/** Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const NEEDS_DISPLAY_WORK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\s\s/;

export const ELLIPSIS = '…';

/**
 * At most `max` characters (code points, so an emoji is never cut in half), the last one an
 * ellipsis when something was cut.
 */
export function truncate(text: string, max: number): string {
  // Fast path: UTF-16 length ≥ code point count, so a short string needs no counting.
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return (
    points
      .slice(0, Math.max(0, max - 1))
      .join('')
      .trimEnd() + ELLIPSIS
  );
}

/** One line of plain text, safe to show anywhere a person reads it, at most `max` characters. */
export function displayText(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  let s = value;
  if (NEEDS_DISPLAY_WORK.test(s)) {
    s = s.replace(BIDI_CONTROLS, '').replace(LINE_BREAKING, ' ').replace(/\s+/g, ' ');
  }
  return truncate(s.trim(), max);
}

/** A value someone else set (a URI, an account or agent name) inside our own multi-line text: one line, so it cannot fake the lines around it. */
export function oneLine(value: unknown, max = 2_000): string {
  return displayText(value, max);
}

/** What a terminal may receive: printable text, tabs and line breaks, never a control sequence. */
export function terminalSafe(text: string): string {
  return HAS_TERMINAL_CONTROL.test(text) ? text.replace(TERMINAL_CONTROLS, '') : text;
}

/** C1 characters as JSON escapes: JSON.stringify leaves them raw, and some terminals obey them. */
const C1 = /[\u0080-\u009f]/g;
const HAS_C1 = /[\u0080-\u009f]/;
export function jsonTerminalSafe(json: string): string {
  return HAS_C1.test(json) ? json.replace(C1, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

const MARKUP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** For notification servers that render the freedesktop body markup (a subset of HTML). */
export function escapeMarkup(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/[&<>]/g, (c) => MARKUP[c] ?? c) : text;
}

/** Electron menus take `&` as a mnemonic marker on every platform; `&&` shows one `&`. */
export function menuLabel(text: string): string {
  return text.includes('&') ? text.replaceAll('&', '&&') : text;
}
