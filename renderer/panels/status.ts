import type { AppPreferences, AppState, HistoryItemView } from '../../shared/ipc-contract.js';
import { checkConsoleTemplate } from '../../shared/console-link.js';
import { statusWords } from '../../shared/status-words.js';
import { statusName } from '../../shared/agent-status.js';
import { api } from '../bridge.js';
import { busy, card, errorText, h, liveLine, replace, say, toggle } from '../dom.js';
import { KIND_WORDS, ago, clockTime } from '../format.js';
import { retryPlan } from '../outage.js';

/** Status tab: the connection in words, recent notifications, and this computer's settings. */
const STATE_WORDS: Readonly<Record<string, string>> = {
  signed_out: 'Signed out',
  starting: 'Checking the sign-in',
  connecting: 'Connecting',
  open: 'Subscribing',
  subscribed: 'Connected, receiving events',
  reconnecting: 'Reconnecting',
  stopped: 'Stopped, not retrying',
};

function stateWords(c: AppState['connection'], now: number): string {
  const base = STATE_WORDS[c.state] ?? c.state;
  const plan = retryPlan(c, now);
  return plan === '' || c.state === 'stopped' ? base : `${base}, ${plan}`;
}

/** "Busy since 10:02 (12 min) — queue calls can't reach you". */
function presenceWords(p: NonNullable<AppState['presence']>, now: number): string {
  const name = statusName(p.status);
  const reach = p.receivingQueueCalls ? 'queue calls can reach you' : "queue calls can't reach you";
  return `${name} since ${clockTime(p.since)} (${ago(now - p.since)}) — ${reach}`;
}

function hidden(text: string): HTMLElement {
  return h('span', { class: 'visually-hidden' }, text);
}

/** A piece of a spoken name, ended so that the next one does not run into it. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/** Connections made again after a drop; refused attempts are not counted. */
function reconnectedWords(c: AppState['connection']): string {
  if (c.reconnects === 0) return c.state === 'subscribed' ? 'No drops so far' : 'Not yet';
  return c.reconnects === 1 ? 'Once' : `${c.reconnects} times`;
}

export class StatusPanel {
  private readonly connection = h('dl', { class: 'facts' });
  private readonly history = h('ul', { class: 'history', 'aria-label': 'Recent notifications' });
  private readonly historyLine = liveLine();
  private readonly prefsBody = h('div');
  private readonly toolsLine = liveLine();
  private readonly reconnectButton = h('button', { type: 'button', class: 'secondary' }, 'Reconnect now');
  private readonly markAll = h('button', { type: 'button', class: 'link' }, 'Mark all as read');

  constructor(private readonly root: HTMLElement) {
    this.reconnectButton.addEventListener(
      'click',
      () => void busy(this.reconnectButton, 'Reconnecting…', () => api.invoke('connection:reconnect')).catch(() => undefined),
    );
    this.markAll.addEventListener('click', () => void api.invoke('notifications:mark-read', {}));
    const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy diagnostics');
    copy.addEventListener(
      'click',
      () =>
        void busy(copy, 'Copying…', async () => {
          try {
            const r = await api.invoke('diagnostics:copy');
            say(this.toolsLine, r.message, 'ok');
          } catch (e) {
            say(this.toolsLine, errorText(e), 'error');
          }
        }),
    );
    const logs = h('button', { type: 'button', class: 'secondary' }, 'Open logs folder');
    logs.addEventListener(
      'click',
      () =>
        void busy(logs, 'Opening…', async () => {
          try {
            const r = await api.invoke('logs:open-folder');
            say(this.toolsLine, r.message, r.opened ? 'ok' : 'error');
          } catch (e) {
            say(this.toolsLine, errorText(e), 'error');
          }
        }),
    );
    replace(
      root,
      card('Connection', this.connection, h('div', { class: 'actions' }, this.reconnectButton)),
      card('Recent notifications', this.history, h('div', { class: 'actions' }, this.markAll), this.historyLine),
      card('This computer', this.prefsBody, h('div', { class: 'actions' }, copy, logs), this.toolsLine),
    );
    void this.loadPreferences();
  }

  render(s: AppState, now: number): void {
    const c = s.connection;
    const w = statusWords(s, now);
    const fact = (term: string, value: string, tone?: string): HTMLElement[] => [h('dt', {}, term), h('dd', { 'data-tone': tone }, value)];
    const down = c.state === 'reconnecting' || c.state === 'stopped';
    // Why the stream is not up; set from a drop until it is subscribed again.
    const cause = c.reason;
    // The banner above tells the outage's story and holds its Reconnect button: these facts must
    // agree with it, and not offer a second button or say the cause twice.
    const outage = s.alert?.reason === 'stream_down';
    replace(
      this.connection,
      ...fact(
        'State',
        stateWords(c, now),
        w.level === 'alert' || c.state === 'stopped' ? 'error' : down ? 'warn' : c.state === 'subscribed' ? 'ok' : undefined,
      ),
      ...(cause !== null && !outage ? fact('Why', cause) : []),
      ...(cause !== null
        ? // Since the drop, an event "just now" would read as health: it only says when the last one came.
          fact('Last event', c.lastEventAt === null ? 'None before the outage' : `${clockTime(c.lastEventAt)}, before the outage`)
        : fact('Last event', c.lastEventAt === null ? 'None yet' : `${ago(now - c.lastEventAt)} (${clockTime(c.lastEventAt)})`)),
      ...(s.presence !== null ? fact('Your status', presenceWords(s.presence, now), s.presence.receivingQueueCalls ? 'ok' : 'warn') : []),
      ...fact('Reconnected', reconnectedWords(c)),
      ...fact('Topics', c.topics === 0 ? '—' : `${c.topics} subscribed${c.quarantined.length > 0 ? `, ${c.quarantined.length} refused by the server` : ''}`),
      ...fact('Network', c.suspended ? 'Asleep' : c.online ? 'Online' : 'Offline', c.online ? undefined : 'warn'),
      ...(c.lastError !== null
        ? fact('Last error', `${clockTime(c.lastError.at)} — ${c.lastError.message}`, 'warn')
        : cause === null
          ? fact('Last error', 'None')
          : []),
    );
    this.reconnectButton.disabled = !s.account.signedIn;
    this.reconnectButton.hidden = outage;
    this.markAll.hidden = s.unread === 0;
    // Rebuilding the list would take keyboard focus away from an agent tabbing through it.
    const key = JSON.stringify([s.recent, s.account.signedIn, Math.floor(now / 60_000)]);
    if (key === this.historyKey) return;
    this.historyKey = key;
    this.renderHistory(s.recent, now, s.account.signedIn);
  }

  private historyKey = '';

  private renderHistory(items: readonly HistoryItemView[], now: number, signedIn: boolean): void {
    if (items.length === 0) {
      replace(
        this.history,
        h('li', { class: 'empty' }, signedIn ? 'Nothing yet. Calls and messages will show up here.' : 'Sign in to see calls and messages here.'),
      );
      return;
    }
    replace(
      this.history,
      ...items.map((item) => {
        const kind = KIND_WORDS[item.kind] ?? item.kind;
        const meta = `${clockTime(item.at)} · ${ago(now - item.at)}${item.shown ? '' : ` · not shown (${item.heldBecause ?? 'held'})`}`;
        // Spaces between the pieces, which the grid does not render: as text they must not run together ("callMissed").
        const body = [
          h('span', { class: 'kind', 'data-kind': item.kind }, kind),
          ' ',
          h('span', { class: 'title' }, item.title),
          ' ',
          h('span', { class: 'body' }, item.body),
          ' ',
          h('span', { class: 'meta' }, meta),
        ];
        if (!item.openable)
          return h('li', { 'data-read': item.read ? 'true' : 'false' }, h('div', { class: 'history-item' }, item.read ? null : hidden('Unread. '), ...body));
        // The name says what is printed on the row, in its order (speech input users say what they
        // see), and adds only the unread mark before it and what a click does after it.
        const label = `${item.read ? '' : 'Unread. '}${kind}: ${sentence(item.title)} ${sentence(item.body)} ${meta}. Opens in the VoIPBIN console`;
        const row = h('button', { type: 'button', class: 'history-item', 'aria-label': label, onclick: () => void this.open(item.seq) }, ...body);
        return h('li', { 'data-read': item.read ? 'true' : 'false' }, row);
      }),
    );
  }

  private async open(seq: number): Promise<void> {
    try {
      const r = await api.invoke('notifications:open', { seq });
      say(this.historyLine, r.message, r.opened ? 'ok' : 'warn');
    } catch (e) {
      say(this.historyLine, errorText(e), 'error');
    }
  }

  private async loadPreferences(): Promise<void> {
    try {
      this.renderPreferences(await api.invoke('app:get-preferences'));
    } catch (e) {
      replace(this.prefsBody, h('p', { class: 'error' }, errorText(e)));
    }
  }

  private renderPreferences(p: AppPreferences): void {
    const line = liveLine();
    const autostart = toggle(
      'Start at login, in the tray',
      p.autostart,
      (on) =>
        void (async () => {
          try {
            await api.invoke('app:set-preferences', { autostart: on });
            say(line, on ? 'Starts at login.' : 'Will not start at login.', 'ok');
          } catch (e) {
            say(line, errorText(e), 'error');
          }
        })(),
      {
        disabled: !p.autostartSupported,
        help: p.autostartSupported
          ? 'Starts hidden, so the tray keeps you reachable from the moment you log in.'
          : 'Available in the installed app (not in a development run).',
      },
    );
    const templateId = 'console-template';
    const template = h('input', { id: templateId, type: 'url', value: p.consoleUrlTemplate, spellcheck: 'false', 'aria-describedby': `${templateId}-msg` });
    const templateMsg = h(
      'p',
      { id: `${templateId}-msg`, class: 'help', 'aria-live': 'polite' },
      'Where a click on a call notification leads. {id} is the call, {type} is calls or groupcalls.',
    );
    const save = h('button', { type: 'button', class: 'secondary' }, 'Save link');
    template.addEventListener('input', () => {
      const v = checkConsoleTemplate(template.value);
      save.disabled = !v.ok;
      template.setAttribute('aria-invalid', String(!v.ok));
      say(templateMsg, v.ok ? 'Looks good.' : `Not usable: ${v.reason}.`, v.ok ? 'ok' : 'error');
    });
    save.addEventListener(
      'click',
      () =>
        void busy(save, 'Saving…', async () => {
          try {
            await api.invoke('app:set-preferences', { consoleUrlTemplate: template.value });
            say(templateMsg, 'Saved.', 'ok');
          } catch (e) {
            say(templateMsg, errorText(e), 'error');
          }
        }),
    );
    replace(
      this.prefsBody,
      autostart,
      line,
      h(
        'details',
        { class: 'advanced' },
        // Says what the link is to: "Console link" alone left agents guessing which console.
        h('summary', {}, 'Where calls open: the VoIPBIN console (web)'),
        h('label', { for: templateId }, 'Address of a call in the VoIPBIN console'),
        template,
        templateMsg,
        h('div', { class: 'actions' }, save),
      ),
      h('p', { class: 'help' }, `Logs: ${p.logFolder}`),
    );
  }
}
