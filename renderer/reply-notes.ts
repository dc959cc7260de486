import type { ReplyNoteView } from '../shared/ipc-contract.js';
import { api } from './bridge.js';
import { byId, errorText, h, say, uid } from './dom.js';

/**
 * The reply window's notes: a reply the app could not keep as a draft (too many open, its message
 * gone) says why, with the text the agent typed shown whole to copy. A note goes only when the agent
 * dismisses it, and one holding text only on a second, deliberate click, as a draft's Discard.
 */
interface NoteCard {
  root: HTMLElement;
  dismiss: HTMLButtonElement;
  armed: number | undefined;
}

const notes = new Map<string, NoteCard>();

function dismiss(n: ReplyNoteView, c: NoteCard): void {
  if (n.text !== '' && c.armed === undefined) {
    c.dismiss.textContent = 'Discard text?';
    c.armed = window.setTimeout(() => {
      c.armed = undefined;
      c.dismiss.textContent = 'Dismiss';
    }, 4_000);
    return;
  }
  void api.invoke('replies:discard', { id: n.id }).catch((e: unknown) => say(byId('reply-line'), errorText(e), 'error'));
}

function newNote(n: ReplyNoteView): NoteCard {
  const messageId = uid('note');
  const message = h('p', { id: messageId, class: 'reply-note-message' }, n.message);
  // Read-only, not plain text: it selects and copies like the box it was typed in.
  const text =
    n.text === '' ? null : h('textarea', { class: 'reply-note-text', readonly: true, 'aria-label': 'What you wrote', 'aria-describedby': messageId });
  if (text !== null) text.value = n.text;
  const button = h('button', { type: 'button', class: 'secondary' }, 'Dismiss');
  const root = h('section', { class: 'reply-note', role: 'alert', 'data-note': n.id }, message, text, h('div', { class: 'reply-actions' }, button));
  const c: NoteCard = { root, dismiss: button, armed: undefined };
  button.addEventListener('click', () => dismiss(n, c));
  return c;
}

/** Notes never change once made: each is added once and removed when it goes. */
export function renderNotes(list: readonly ReplyNoteView[]): void {
  const box = byId('reply-notes');
  const ids = new Set(list.map((n) => n.id));
  for (const [id, c] of notes) {
    if (ids.has(id)) continue;
    window.clearTimeout(c.armed);
    c.root.remove();
    notes.delete(id);
  }
  for (const n of list) {
    if (notes.has(n.id)) continue;
    const c = newNote(n);
    notes.set(n.id, c);
    box.append(c.root);
  }
}
