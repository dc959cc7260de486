import type { AppState } from '../shared/ipc-contract.js';
import { clockTime, statusWords } from '../shared/status-words.js';
import { api } from './bridge.js';
import { AlertBanner } from './alert-banner.js';
import { busy, byId, errorText, h, replace } from './dom.js';
import { AccountPanel } from './panels/account.js';
import { NotificationsPanel } from './panels/notifications.js';
import { StatusPanel } from './panels/status.js';
import { TopicsPanel } from './panels/topics.js';
import { WebhookPanel } from './panels/webhook.js';

/**
 * The settings window: a header that says whether calls can reach the agent, an alert banner
 * when they cannot, and five tabs. State arrives from the main process; nothing is polled.
 */
type Tab = 'status' | 'account' | 'topics' | 'notifications' | 'webhook';
const TABS: readonly Tab[] = ['status', 'account', 'topics', 'notifications', 'webhook'];

let state: AppState | undefined;
let active: Tab = 'status';
const dismissed = new Set<string>();

const status = new StatusPanel(byId('panel-status'));
const account = new AccountPanel(byId('panel-account'), () => select('status', false));
const topics = new TopicsPanel(byId('panel-topics'));
const notifications = new NotificationsPanel(byId('panel-notifications'));
const webhook = new WebhookPanel(byId('panel-webhook'));
const alertBanner = new AlertBanner(byId('alert'), () => select('account', true));

function tabButton(t: Tab): HTMLButtonElement {
  return byId(`tab-${t}`) as HTMLButtonElement;
}

function visibleTabs(): Tab[] {
  return TABS.filter((t) => !tabButton(t).hidden);
}

function select(tab: Tab, focus: boolean): void {
  active = tab;
  for (const t of TABS) {
    const selected = t === tab;
    const b = tabButton(t);
    b.setAttribute('aria-selected', String(selected));
    b.tabIndex = selected ? 0 : -1;
    byId(`panel-${t}`).hidden = !selected;
  }
  if (focus) tabButton(tab).focus();
  if (state === undefined) return;
  if (tab === 'topics') void topics.load();
  if (tab === 'notifications') void notifications.load(state);
  if (tab === 'webhook') void webhook.load();
}

function wireTabs(): void {
  for (const t of TABS) {
    const b = tabButton(t);
    b.addEventListener('click', () => select(t, false));
    // WAI-ARIA tabs: arrows move between tabs, Home/End jump to the ends.
    b.addEventListener('keydown', (e) => {
      const tabs = visibleTabs();
      const i = tabs.indexOf(t);
      const next =
        e.key === 'ArrowRight'
          ? tabs[(i + 1) % tabs.length]
          : e.key === 'ArrowLeft'
            ? tabs[(i - 1 + tabs.length) % tabs.length]
            : e.key === 'Home'
              ? tabs[0]
              : e.key === 'End'
                ? tabs[tabs.length - 1]
                : undefined;
      if (next === undefined) return;
      e.preventDefault();
      select(next, true);
    });
  }
}

function setText(el: HTMLElement, text: string): void {
  // Rewriting the same words into a live region would have them read out again.
  if (el.textContent !== text) el.textContent = text;
}

function renderHeader(s: AppState, now: number): void {
  const w = statusWords(s, now);
  const box = byId('status');
  box.dataset.level = w.level;
  setText(byId('status-headline'), w.headline);
  // The banner below says why at length; the header just says since when.
  setText(byId('status-detail'), s.alert !== null ? `since ${clockTime(s.alert.since)}` : w.detail);
  document.title = `VoIPBIN Notifier — ${w.headline}`;
  alertBanner.render(s, now);
  const notices = byId('notices');
  const items: HTMLElement[] = [];
  if (s.notice !== null && !dismissed.has(s.notice)) {
    const text = s.notice;
    items.push(
      h(
        'div',
        { class: 'banner banner-warn', role: 'status' },
        h('p', {}, text),
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              dismissed.add(text);
              renderHeader(s, Date.now());
            },
          },
          'Dismiss',
        ),
      ),
    );
  }
  if (s.desktop.tray === 'missing') {
    // The window stands in for the tray: it says so, and offers the Quit the tray menu would have.
    const quit = h('button', { type: 'button', class: 'secondary' }, 'Quit VoIPBIN Notifier');
    quit.addEventListener('click', () => void busy(quit, 'Quitting…', () => api.invoke('app:quit')).catch(() => undefined));
    items.push(
      h(
        'div',
        { class: 'banner banner-warn banner-stack', role: 'note', id: 'tray-missing' },
        h('div', {}, h('strong', {}, 'No tray icon on this desktop'), h('p', {}, s.desktop.advice ?? '')),
        h('div', { class: 'actions' }, quit, h('span', { class: 'help' }, 'Quitting stops call notifications.')),
      ),
    );
  }
  if (s.locked.length > 0) {
    items.push(
      h(
        'div',
        { class: 'banner', role: 'note' },
        h('p', {}, `Managed by your administrator: ${s.locked.map(lockedLabel).join(', ')}. Changes to these are not accepted.`),
      ),
    );
  }
  replace(notices, ...items);
  tabButton('webhook').hidden = !(s.account.signedIn && s.account.customerAdmin);
  if (active === 'webhook' && tabButton('webhook').hidden) select('status', false);
}

const LOCKED_LABELS: Readonly<Record<AppState['locked'][number], string>> = {
  apiUrl: 'server address',
  topics: 'topic filters',
  autostart: 'start at login',
  consoleUrlTemplate: 'VoIPBIN console link',
  'notifications.kinds': 'notification types',
  'notifications.callsBreakThroughDnd': 'calls during Do Not Disturb',
  'notifications.quietHours': 'quiet hours',
  'notifications.privacy': 'privacy mode',
  'notifications.customerCalls': 'customer-wide calls',
  'notifications.callWindow': 'call window',
  'notifications.storm': 'burst limits',
  'notifications.wrapUpSeconds': 'wrap-up time',
  'notifications.backToAvailable': 'back to available after calls',
  'notifications.awayOnLock': 'away while the screen is locked',
  'notifications.liveTranscripts': 'live transcripts in the call window',
};

function lockedLabel(key: AppState['locked'][number]): string {
  return LOCKED_LABELS[key];
}

function render(s: AppState): void {
  const firstState = state === undefined;
  const wasSignedIn = state?.account.signedIn;
  state = s;
  const now = Date.now();
  renderHeader(s, now);
  status.render(s, now);
  account.render(s, now);
  notifications.update(s, now);
  if (firstState && !s.account.signedIn) select('account', false);
  // A new sign-in (or sign-out) changes what topics and the webhook may be.
  if (!firstState && wasSignedIn !== s.account.signedIn && (active === 'topics' || active === 'notifications')) select(active, false);
}

async function boot(): Promise<void> {
  wireTabs();
  api.onState(render);
  try {
    render(await api.invoke('state:get'));
  } catch (e) {
    replace(byId('panel-status'), h('p', { class: 'error', role: 'alert' }, `Cannot reach the notifier: ${errorText(e)}`));
  }
  // Relative times ("2 min ago") age without any new state.
  setInterval(() => {
    if (state !== undefined) {
      renderHeader(state, Date.now());
      status.render(state, Date.now());
    }
  }, 15_000);
}

void boot();
