import type { AppState, LiveCallView, RingingCallView } from '../shared/ipc-contract.js';
import { api } from './bridge.js';
import { busy, byId, errorText, h, replace, say } from './dom.js';

/**
 * The call window: each call ringing for the agent, who is calling and where, how long it has
 * rung, "Open in console", "Open contact" (a caller found in VoIPBIN contacts) and "Dismiss". It
 * talks only to the channels it needs (the main process refuses the rest), and the main process
 * shows and hides the window itself.
 */
/** What is on screen; undefined until the first state arrives. */
let ringing: readonly RingingCallView[] | undefined;

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function opener(label: string, name: string, kind: 'primary' | 'secondary', channel: 'calls:open' | 'calls:open-contact', id: string): HTMLElement {
  const line = byId('call-line');
  // A short label for the narrow window; the spoken name says what it does (and contains the label).
  const button = h('button', { type: 'button', class: kind, 'aria-label': name === label ? undefined : name }, label);
  button.addEventListener(
    'click',
    () =>
      void busy(button, 'Opening…', async () => {
        try {
          const r = await api.invoke(channel, { id });
          say(line, r.opened ? '' : r.message, r.opened ? 'ok' : 'error');
        } catch (e) {
          say(line, errorText(e), 'error');
        }
      }),
  );
  return button;
}

function callItem(c: RingingCallView, now: number): HTMLElement {
  const line = byId('call-line');
  const open = opener('Open in console', 'Open in console', 'primary', 'calls:open', c.id);
  const contact = opener('Contact', 'Open contact', 'secondary', 'calls:open-contact', c.id);
  const dismiss = h('button', { type: 'button', class: 'secondary' }, 'Dismiss');
  dismiss.addEventListener('click', () => void api.invoke('calls:dismiss', { id: c.id }).catch((e: unknown) => say(line, errorText(e), 'error')));
  return h(
    'li',
    { class: 'call', 'data-call': c.id },
    h('p', { class: 'call-title' }, c.title),
    // An aria-label on a plain span is ignored by screen readers: the words are hidden text instead.
    h(
      'span',
      { class: 'call-timer' },
      h('span', { class: 'visually-hidden' }, 'ringing for '),
      h('span', { class: 'call-ringing', 'data-started': String(c.startedAt) }, elapsed(now - c.startedAt)),
    ),
    h('p', { class: 'call-body' }, c.body),
    h('div', { class: 'call-actions' }, c.openable ? open : null, c.contactOpenable ? contact : null, dismiss),
  );
}

const WHO = { caller: 'Caller', agent: 'Agent', both: 'Call' } as const;
/** The live call shown, and the ids of the lines on screen: new lines are appended, never redrawn. */
let liveId: string | undefined;
const liveShown = new Set<string>();

function renderLive(live: LiveCallView | null): void {
  const box = byId('live');
  const list = byId('live-lines');
  if (live === null) {
    box.hidden = true;
    liveId = undefined;
    return;
  }
  if (live.id !== liveId) {
    liveId = live.id;
    liveShown.clear();
    replace(list);
  }
  box.hidden = false;
  byId('live-title').textContent = live.title;
  // Privacy mode copies nothing (main/desktop/features/live-transcripts.ts): no button that cannot work.
  (byId('live-copy') as HTMLButtonElement).disabled = live.count === 0 || live.hidden;
  if (live.hidden) {
    liveShown.clear();
    replace(list, h('li', { class: 'note' }, 'Transcript hidden (privacy mode).'));
    return;
  }
  if (live.lines.length === 0) {
    replace(list, h('li', { class: 'note' }, 'Listening… the transcript appears as words are recognised.'));
    return;
  }
  list.querySelector('li.note')?.remove();
  // Follow the conversation unless the agent scrolled up to read.
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  for (const line of live.lines) {
    if (liveShown.has(line.id)) continue;
    liveShown.add(line.id);
    // A late line (spoken earlier) goes where it belongs.
    const li = h('li', { class: line.speaker, 'data-at': String(line.at), 'data-line': line.id }, h('span', { class: 'who' }, WHO[line.speaker]), line.text);
    const later = [...list.querySelectorAll<HTMLElement>('li[data-at]')].find((el) => Number(el.dataset.at) > line.at);
    if (later === undefined) list.append(li);
    else list.insertBefore(li, later);
  }
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function title(s: AppState): string {
  const calls = s.ringing;
  if (calls.length === 0) return s.liveCall?.title ?? 'No call ringing';
  return calls.length === 1 ? (calls[0]?.title ?? 'Incoming call') : `${calls.length} calls ringing`;
}

function render(s: AppState): void {
  renderLive(s.liveCall);
  document.title = title(s);
  // Re-render only when the calls change, so a button being pressed is not replaced under the pointer.
  if (ringing !== undefined && JSON.stringify(s.ringing) === JSON.stringify(ringing)) return;
  const calls = s.ringing;
  ringing = calls;
  const now = Date.now();
  replace(byId('calls'), ...calls.map((c) => callItem(c, now)));
}

function tick(): void {
  const now = Date.now();
  for (const el of document.querySelectorAll<HTMLElement>('.call-ringing')) el.textContent = elapsed(now - Number(el.dataset.started));
}

async function boot(): Promise<void> {
  const copy = byId('live-copy') as HTMLButtonElement;
  copy.addEventListener('click', () => {
    const id = liveId;
    if (id === undefined) return;
    void busy(copy, 'Copying…', async () => {
      try {
        const r = await api.invoke('calls:copy-transcript', { id });
        say(byId('call-line'), r.message, r.copied ? 'ok' : 'error');
      } catch (e) {
        say(byId('call-line'), errorText(e), 'error');
      }
    });
  });
  api.onState(render);
  try {
    render(await api.invoke('state:get'));
  } catch (e) {
    say(byId('call-line'), `Cannot reach the notifier: ${errorText(e)}`, 'error');
  }
  setInterval(tick, 1_000);
}

void boot();
