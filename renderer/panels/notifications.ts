import type { AppState, HistoryItemView } from '../../shared/ipc-contract.js';
import type { NotificationSettings, NotificationSettingsPatch, PopupKind } from '../../shared/notification-settings.js';
import { api } from '../bridge.js';
import { busy, card, errorText, h, liveLine, replace, say, toggle, uid } from '../dom.js';
import { KIND_WORDS, ago, clockTime } from '../format.js';

/** Notifications tab: pause, what pops up and how, quiet hours, privacy, a test, and history. */
const KIND_LABELS: Readonly<Record<PopupKind, string>> = {
  incoming_call: 'Incoming calls',
  missed_call: 'Missed calls',
  inbound_message: 'Customer messages (SMS, conversations)',
  chat_message: 'Team chat',
};

export class NotificationsPanel {
  private settings: NotificationSettings | undefined;
  private customerScope = false;
  /** An agent sign-in has a status to follow; an access key has none. */
  private agent = false;
  private readonly saved = liveLine();
  private readonly pauseBox = h('div');
  private readonly historyList = h('ul', { class: 'history', 'aria-label': 'Notification history' });

  constructor(private readonly root: HTMLElement) {}

  async load(s: AppState): Promise<void> {
    this.customerScope = s.account.signedIn && s.account.customerScope;
    this.agent = s.account.signedIn && s.account.kind === 'agent';
    try {
      this.settings = await api.invoke('notifications:get-settings');
      this.render();
      this.renderPause(s, Date.now());
      await this.loadHistory();
    } catch (e) {
      replace(this.root, card('Notifications', h('p', { class: 'error' }, errorText(e))));
    }
  }

  update(s: AppState, now: number): void {
    if (this.settings === undefined) return;
    const key = JSON.stringify([s.pausedUntil, this.settings.callsBreakThroughDnd, typeof s.pausedUntil === 'number' && s.pausedUntil <= now]);
    if (key === this.pauseKey) return;
    this.renderPause(s, now);
  }

  private pauseKey = '';

  /** The busy trap: VoIPBIN leaves an agent busy after every call, and queues ring only available agents. */
  private afterCallCard(s: NotificationSettings): HTMLElement {
    const id = uid('wrapup');
    const wrapUp = h('input', {
      type: 'number',
      id,
      min: '0',
      max: '3600',
      step: '1',
      value: String(s.wrapUpSeconds),
      required: true,
      'data-testid': 'wrap-up',
    });
    wrapUp.addEventListener('change', () => {
      const n = Number(wrapUp.value);
      if (wrapUp.value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 3600) {
        say(this.saved, 'The wrap-up is a whole number of seconds, from 0 to 3600.', 'error');
        return;
      }
      void this.change({ wrapUpSeconds: n }, `wrap-up ${n} s`);
    });
    return card(
      'After a call',
      h('p', { class: 'help' }, 'VoIPBIN keeps you Busy after every call, and queues ring only Available agents.'),
      h('div', { class: 'field' }, h('label', { for: id }, 'Remind me after (seconds)'), wrapUp),
      toggle(
        'Set me Available after the wrap-up',
        s.backToAvailable,
        (on) => void this.change({ backToAvailable: on }, `back to available ${on ? 'on' : 'off'}`),
        {
          help: 'Unless your status was changed meanwhile, here or in the console: a choice made elsewhere is never overridden.',
          testId: 'back-to-available',
        },
      ),
      toggle('Away while the screen is locked', s.awayOnLock, (on) => void this.change({ awayOnLock: on }, `away on lock ${on ? 'on' : 'off'}`), {
        help: 'Locking the screen or sleeping sets you Away; unlocking sets back what you had, if it is still that Away.',
        testId: 'away-on-lock',
      }),
    );
  }

  /** Sends only what the agent changed, so a pause set from the tray meanwhile survives. */
  private async change(patch: NotificationSettingsPatch, what: string): Promise<void> {
    try {
      this.settings = await api.invoke('notifications:update', patch);
      say(this.saved, `Saved: ${what}.`, 'ok');
    } catch (e) {
      say(this.saved, errorText(e), 'error');
      this.render();
    }
  }

  private render(): void {
    const s = this.settings;
    if (s === undefined) return;
    const kindRows = (Object.keys(KIND_LABELS) as PopupKind[]).map((k) => {
      const row = s.kinds[k];
      const showId = uid('show');
      const soundId = uid('sound');
      const show = h('input', { type: 'checkbox', id: showId, 'data-testid': `kind-${k}` });
      show.checked = row.enabled;
      const sound = h('input', { type: 'checkbox', id: soundId, disabled: !row.enabled, 'data-testid': `sound-${k}` });
      sound.checked = row.sound;
      show.addEventListener('change', () => {
        sound.disabled = !show.checked;
        void this.change({ kinds: { [k]: { enabled: show.checked, sound: sound.checked } } }, `${KIND_LABELS[k]} ${show.checked ? 'on' : 'off'}`);
      });
      sound.addEventListener('change', () => {
        void this.change(
          { kinds: { [k]: { enabled: show.checked, sound: sound.checked } } },
          `sound for ${KIND_LABELS[k].toLowerCase()} ${sound.checked ? 'on' : 'off'}`,
        );
      });
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, KIND_LABELS[k]),
        h('td', {}, show, h('label', { for: showId, class: 'visually-hidden' }, `Show ${KIND_LABELS[k]}`)),
        h('td', {}, sound, h('label', { for: soundId, class: 'visually-hidden' }, `Sound for ${KIND_LABELS[k]}`)),
      );
    });

    const q = s.quietHours;
    const fromId = uid('from');
    const toId = uid('to');
    const from = h('input', { type: 'time', id: fromId, value: q.start, disabled: !q.enabled, required: true });
    const to = h('input', { type: 'time', id: toId, value: q.end, disabled: !q.enabled, required: true });
    const saveQuiet = (): void => {
      if (!/^\d{2}:\d{2}$/.test(from.value) || !/^\d{2}:\d{2}$/.test(to.value)) {
        say(this.saved, 'Quiet hours need a start and an end time.', 'error');
        return;
      }
      void this.change({ quietHours: { start: from.value, end: to.value } }, `quiet hours ${from.value}–${to.value}`);
    };
    from.addEventListener('change', saveQuiet);
    to.addEventListener('change', saveQuiet);

    const testLine = liveLine();
    const test = h('button', { type: 'button', class: 'secondary', 'data-testid': 'send-test' }, 'Send a test notification');
    test.addEventListener(
      'click',
      () =>
        void busy(test, 'Sending…', async () => {
          try {
            const r = await api.invoke('notifications:test');
            say(testLine, r.message, r.shown ? 'ok' : 'error');
          } catch (e) {
            say(testLine, errorText(e), 'error');
          }
        }),
    );

    replace(
      this.root,
      card('Pause', this.pauseBox),
      card(
        'What pops up',
        h(
          'table',
          { class: 'kinds' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Show'), h('th', { scope: 'col' }, 'Sound'))),
          h('tbody', {}, ...kindRows),
        ),
        toggle(
          'Calls break through Do Not Disturb',
          s.callsBreakThroughDnd,
          (on) => void this.change({ callsBreakThroughDnd: on }, `calls ${on ? 'break through' : 'respect'} Do Not Disturb`),
          { help: 'Incoming calls still pop up while paused, in quiet hours and under the system’s Do Not Disturb.', testId: 'calls-break-through' },
        ),
        toggle('Call window', s.callWindow, (on) => void this.change({ callWindow: on }, `call window ${on ? 'on' : 'off'}`), {
          help: 'While a call rings for you, a small window stays on top of everything with the caller and “Open in console”, even if the system hides pop-ups.',
          testId: 'call-window',
        }),
        toggle(
          'Live transcript in the call window',
          s.liveTranscripts,
          (on) => void this.change({ liveTranscripts: on }, `live transcripts ${on ? 'on' : 'off'}`),
          {
            help: 'While you are on a call that VoIPBIN transcribes, the call window shows what is said, caller and you told apart. Kept only while the app runs, never written to disk: copy it to keep it.',
            testId: 'live-transcripts',
          },
        ),
        toggle('Privacy mode', s.privacy, (on) => void this.change({ privacy: on }, `privacy mode ${on ? 'on' : 'off'}`), {
          help: 'Hide phone numbers and message text in pop-ups (screen sharing, open-plan desks).',
          testId: 'privacy',
        }),
        this.customerScope
          ? toggle(
              'Inbound calls for the whole customer',
              s.customerCalls,
              (on) => void this.change({ customerCalls: on }, `customer-wide calls ${on ? 'on' : 'off'}`),
              { help: 'As an admin or manager, also pop up calls that are not ringing for you.' },
            )
          : null,
      ),
      this.agent ? this.afterCallCard(s) : null,
      card(
        'Quiet hours',
        toggle(
          'Quiet hours',
          q.enabled,
          (on) => {
            from.disabled = !on;
            to.disabled = !on;
            void this.change({ quietHours: { enabled: on } }, `quiet hours ${on ? 'on' : 'off'}`);
          },
          { help: 'Messages wait in the history during these hours; calls follow the setting above.', testId: 'quiet-hours' },
        ),
        h(
          'div',
          { class: 'inline times' },
          h('div', { class: 'field' }, h('label', { for: fromId }, 'From'), from),
          h('div', { class: 'field' }, h('label', { for: toId }, 'To'), to),
        ),
      ),
      this.saved,
      card(
        'Test',
        h('p', { class: 'help' }, 'Shows a sample call the way a real one pops up, to check that this computer lets notifications through.'),
        h('div', { class: 'actions' }, test),
        testLine,
      ),
      card('History', this.historyList),
    );
  }

  private renderPause(s: AppState, now: number): void {
    const until = s.pausedUntil;
    this.pauseKey = JSON.stringify([until, this.settings?.callsBreakThroughDnd, typeof until === 'number' && until <= now]);
    const paused = until === 'indefinite' || (typeof until === 'number' && until > now);
    const line = liveLine();
    const pause = (choice: '1h' | 'tomorrow' | 'until_resumed' | 'resume', label: string, cls = 'secondary'): HTMLButtonElement => {
      const b = h('button', { type: 'button', class: cls, 'data-testid': `pause-${choice}` }, label);
      b.addEventListener(
        'click',
        () =>
          void busy(b, label, async () => {
            try {
              this.settings = await api.invoke('notifications:pause', { choice });
            } catch (e) {
              say(line, errorText(e), 'error');
            }
          }),
      );
      return b;
    };
    replace(
      this.pauseBox,
      h(
        'p',
        { class: paused ? 'state paused' : 'state', 'data-testid': 'pause-state' },
        !paused ? 'Notifications are on.' : until === 'indefinite' ? 'Paused until you resume.' : `Paused until ${clockTime(until)}.`,
        paused && this.settings?.callsBreakThroughDnd === true ? ' Calls still ring.' : '',
      ),
      h(
        'div',
        { class: 'actions' },
        paused ? pause('resume', 'Resume now', 'primary') : null,
        pause('1h', 'For 1 hour'),
        pause('tomorrow', 'Until tomorrow'),
        pause('until_resumed', 'Until I resume'),
      ),
      line,
    );
  }

  private async loadHistory(): Promise<void> {
    const items = await api.invoke('notifications:history', { limit: 50 });
    this.renderHistory(items, Date.now());
  }

  private renderHistory(items: readonly HistoryItemView[], now: number): void {
    if (items.length === 0) {
      replace(this.historyList, h('li', { class: 'empty' }, 'No notifications yet.'));
      return;
    }
    replace(
      this.historyList,
      ...items.map((i) =>
        h(
          'li',
          { 'data-read': String(i.read) },
          h(
            'div',
            { class: 'history-item' },
            h('span', { class: 'kind', 'data-kind': i.kind }, KIND_WORDS[i.kind] ?? i.kind),
            h('span', { class: 'title' }, i.title),
            h('span', { class: 'body' }, i.body),
            h('span', { class: 'meta' }, `${clockTime(i.at)} · ${ago(now - i.at)}${i.shown ? '' : ` · not shown (${i.heldBecause ?? 'held'})`}`),
            i.transcript ? this.copyTranscriptButton(i.seq) : null,
          ),
        ),
      ),
    );
  }

  private copyTranscriptButton(seq: number): HTMLElement {
    const b = h('button', { type: 'button', class: 'secondary copy-transcript' }, 'Copy transcript');
    b.addEventListener(
      'click',
      () =>
        void busy(b, 'Copying…', async () => {
          try {
            const r = await api.invoke('notifications:copy-transcript', { seq });
            say(this.saved, r.message, r.copied ? 'ok' : 'error');
          } catch (e) {
            say(this.saved, errorText(e), 'error');
          }
        }),
    );
    return b;
  }
}
