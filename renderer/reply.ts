import type { AppState, ReplyDraftView } from '../shared/ipc-contract.js';
import { api } from './bridge.js';
import { byId, errorText, h, say, uid } from './dom.js';
import { renderNotes } from './reply-notes.js';

/**
 * The reply window: each message being answered, what was written, a text box and Send. What is
 * typed is saved to the main process as it is typed, so closing the window, a failed send or a
 * reload loses nothing; a failed send says why under the text it kept. Ctrl+Enter (⌘+Enter) sends.
 * The main process's text wins whenever the window has nothing of its own on the way to it: an
 * inline reply may have filled a draft the window shows empty (and failed, so it is to be sent here).
 */
const SAVE_AFTER_MS = 400;
const MAX_CHARS = 4_000;
/** The character count is shown only near the limit. */
const COUNT_FROM = 3_500;

interface Card {
  root: HTMLElement;
  title: HTMLElement;
  quote: HTMLElement;
  text: HTMLTextAreaElement;
  error: HTMLElement;
  count: HTMLElement;
  send: HTMLButtonElement;
  discard: HTMLButtonElement;
  saveTimer: number | undefined;
  /** Saves and sends not answered yet: until then the main process's text may be older than the box's. */
  saving: number;
  discardArmed: number | undefined;
}

const cards = new Map<string, Card>();

const chars = (s: string): number => Array.from(s).length;

function saveSoon(id: string, c: Card): void {
  window.clearTimeout(c.saveTimer);
  c.saveTimer = window.setTimeout(() => {
    c.saveTimer = undefined;
    c.saving++;
    void api
      .invoke('replies:save', { id, text: c.text.value })
      .catch(() => undefined)
      .finally(() => c.saving--);
  }, SAVE_AFTER_MS);
}

function showCount(c: Card): void {
  const n = chars(c.text.value);
  c.count.textContent = n >= COUNT_FROM ? `${n.toLocaleString()} / ${MAX_CHARS.toLocaleString()}` : '';
  c.count.dataset.tone = n > MAX_CHARS ? 'error' : 'info';
}

async function send(id: string, c: Card): Promise<void> {
  // The send carries the text: no save is on its way any more.
  window.clearTimeout(c.saveTimer);
  c.saveTimer = undefined;
  const line = byId('reply-line');
  c.saving++;
  try {
    const r = await api.invoke('replies:send', { id, text: c.text.value });
    // A failure is shown on the card by the state that follows; a success leaves no card.
    say(line, r.sent ? 'Sent.' : '', r.sent ? 'ok' : 'info');
  } catch (e) {
    say(c.error, `Not sent: ${errorText(e)}. Your text is still here.`, 'error');
  } finally {
    c.saving--;
  }
}

function discard(id: string, c: Card): void {
  // Typed text goes only on a second, deliberate click.
  if (c.text.value.trim() !== '' && c.discardArmed === undefined) {
    c.discard.textContent = 'Discard text?';
    c.discardArmed = window.setTimeout(() => {
      c.discardArmed = undefined;
      c.discard.textContent = 'Discard';
    }, 4_000);
    return;
  }
  window.clearTimeout(c.saveTimer);
  c.saveTimer = undefined;
  void api.invoke('replies:discard', { id }).catch((e: unknown) => say(byId('reply-line'), errorText(e), 'error'));
}

function newCard(d: ReplyDraftView): Card {
  const titleId = uid('reply');
  const errorId = `${titleId}-error`;
  const title = h('h2', { id: titleId });
  const quote = h('p', { class: 'reply-quote' });
  const text = h('textarea', { 'aria-labelledby': titleId, 'aria-describedby': errorId, placeholder: 'Write a reply…', maxlength: String(MAX_CHARS * 2) });
  text.value = d.text;
  const error = h('p', { id: errorId, class: 'reply-error', role: 'alert' });
  const count = h('span', { class: 'help', 'aria-live': 'polite' });
  const sendButton = h('button', { type: 'button', class: 'primary' }, 'Send');
  const discardButton = h('button', { type: 'button', class: 'secondary' }, 'Discard');
  const root = h(
    'section',
    { class: 'reply', 'data-reply': d.id, 'aria-labelledby': titleId },
    title,
    quote,
    text,
    error,
    h('div', { class: 'reply-actions' }, sendButton, discardButton, count),
  );
  const c: Card = {
    root,
    title,
    quote,
    text,
    error,
    count,
    send: sendButton,
    discard: discardButton,
    saveTimer: undefined,
    saving: 0,
    discardArmed: undefined,
  };
  text.addEventListener('input', () => {
    showCount(c);
    saveSoon(d.id, c);
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send(d.id, c);
    }
  });
  sendButton.addEventListener('click', () => void send(d.id, c));
  discardButton.addEventListener('click', () => discard(d.id, c));
  return c;
}

/** Cards are kept across pushes: a text box is never replaced under the agent's fingers. */
function update(c: Card, d: ReplyDraftView): void {
  c.title.textContent = `Reply — ${d.title}`;
  c.quote.textContent = d.quote;
  if (c.saveTimer === undefined && c.saving === 0 && c.text.value !== d.text) c.text.value = d.text;
  const sending = d.state === 'sending';
  c.text.disabled = sending;
  c.send.disabled = sending;
  c.send.textContent = sending ? 'Sending…' : 'Send';
  c.text.setAttribute('aria-invalid', String(d.state === 'failed'));
  say(c.error, d.state === 'failed' && d.error !== null ? `${d.error} Your text is still here.` : '', 'error');
  showCount(c);
}

let newest = 0;

function render(s: AppState): void {
  renderNotes(s.replyNotes);
  const list = byId('replies');
  const ids = new Set(s.replies.map((d) => d.id));
  for (const [id, c] of cards) {
    if (ids.has(id)) continue;
    // Gone from the view while words typed here are still on their way (signed out, another
    // sign-in): they are saved now, not dropped — kept in the main process, the draft comes back.
    if (c.saveTimer !== undefined) {
      window.clearTimeout(c.saveTimer);
      void api.invoke('replies:save', { id, text: c.text.value }).catch(() => undefined);
    }
    c.root.remove();
    cards.delete(id);
  }
  let focus: Card | undefined;
  for (const d of s.replies) {
    let c = cards.get(d.id);
    if (c === undefined) {
      c = newCard(d);
      cards.set(d.id, c);
      list.append(c.root);
    }
    update(c, d);
    if (d.askedAt > newest) {
      newest = d.askedAt;
      focus = c;
    }
  }
  // The message the agent just asked to answer takes the keyboard.
  focus?.text.focus();
  const first = s.replies[0];
  document.title = first === undefined ? 'Reply' : s.replies.length === 1 ? `Reply — ${first.title}` : `${s.replies.length} replies`;
}

async function boot(): Promise<void> {
  api.onState(render);
  try {
    render(await api.invoke('state:get'));
  } catch (e) {
    say(byId('reply-line'), `Cannot reach the notifier: ${errorText(e)}`, 'error');
  }
}

void boot();
