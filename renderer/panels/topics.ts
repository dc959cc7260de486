import type { SubscriptionsView } from '../../shared/ipc-contract.js';
import { describeTopic } from '../../shared/topic-labels.js';
import { topicWarnings, validateTopic, type TopicAuthority } from '../../shared/topics.js';
import { api } from '../bridge.js';
import { busy, card, errorText, h, liveLine, replace, say, uid } from '../dom.js';

/**
 * Topics tab. Every topic typed is checked as you type with the very rules the core applies
 * before subscribing (shared/topics.ts), because one topic the server refuses drops the whole
 * connection; the main process checks again on save.
 */
export class TopicsPanel {
  private view: SubscriptionsView | undefined;
  /** The list being edited; null while the defaults are in use. */
  private draft: string[] | null = null;
  private readonly result = liveLine();

  constructor(private readonly root: HTMLElement) {}

  async load(): Promise<void> {
    try {
      this.view = await api.invoke('subscriptions:get');
      this.draft = this.view.usingDefaults ? null : this.view.active.map((r) => r.topic);
      this.render();
    } catch (e) {
      replace(this.root, card('Topics', h('p', { class: 'error' }, errorText(e))));
    }
  }

  private render(): void {
    const v = this.view;
    if (v === undefined) return;
    const who = v.authority;
    if (who === null) {
      replace(this.root, card('Topics', h('p', { class: 'empty' }, 'Sign in first: which topics you may use depends on who you are.')));
      return;
    }
    const mode = uid('mode');
    const choice = (value: 'defaults' | 'custom', label: string, help: string): HTMLElement => {
      const id = uid('r');
      const input = h('input', { type: 'radio', name: mode, id, value });
      input.checked = (this.draft === null) === (value === 'defaults');
      input.addEventListener('change', () => {
        this.draft = value === 'defaults' ? null : (this.draft ?? v.defaults.map((r) => r.topic));
        this.render();
      });
      return h('label', { for: id, class: 'choice' }, input, h('span', {}, h('strong', {}, label), h('span', { class: 'help' }, help)));
    };
    const rows = this.draft === null ? v.defaults.map((r) => r.topic) : this.draft;
    const save = h('button', { type: 'button', class: 'primary' }, 'Save topics');
    save.addEventListener(
      'click',
      () =>
        void busy(save, 'Saving…', async () => {
          try {
            this.view = await api.invoke('subscriptions:set', { topics: this.draft });
            this.draft = this.view.usingDefaults ? null : this.view.active.map((r) => r.topic);
            this.render();
            say(this.result, 'Saved. The connection uses the new topics now.', 'ok');
          } catch (e) {
            say(this.result, errorText(e), 'error');
          }
        }),
    );
    replace(
      this.root,
      card(
        'What reaches you',
        h(
          'fieldset',
          { class: 'choices' },
          h('legend', { class: 'visually-hidden' }, 'Topics'),
          choice('defaults', 'Recommended for my sign-in', 'Your calls, conversations and team chat; admins also get customer messages and queue calls.'),
          choice('custom', 'My own list', 'Add or remove topic filters. VoIPBIN matches them by prefix.'),
        ),
        h('ul', { class: 'topic-list', 'aria-label': 'Topics' }, ...rows.map((t) => this.row(t, who))),
        v.quarantined.length === 0
          ? null
          : h('p', { class: 'banner banner-warn' }, `VoIPBIN refused ${v.quarantined.join(', ')} and it was removed. Check your permissions.`),
        this.draft === null ? null : this.editor(who, v),
        h('div', { class: 'actions' }, save),
        this.result,
      ),
    );
  }

  private row(topic: string, who: TopicAuthority): HTMLElement {
    const verdict = validateTopic(topic, who);
    const warnings = verdict.ok ? topicWarnings(verdict.topic) : [verdict.reason];
    const remove =
      this.draft === null
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'icon-button',
              'aria-label': `Remove ${describeTopic(topic, who)}`,
              title: 'Remove',
              onclick: () => {
                this.draft = (this.draft ?? []).filter((t) => t !== topic);
                this.render();
                say(this.result, 'Removed. Save to apply.', 'info');
              },
            },
            '✕',
          );
    return h(
      'li',
      { class: 'topic', 'data-valid': String(verdict.ok) },
      h(
        'div',
        {},
        h('span', { class: 'topic-label' }, describeTopic(topic, who)),
        h('code', {}, topic),
        ...warnings.map((w) => h('p', { class: verdict.ok ? 'help warn' : 'help error' }, w)),
      ),
      remove,
    );
  }

  private editor(who: TopicAuthority, v: SubscriptionsView): HTMLElement {
    const id = uid('topic');
    const input = h('input', {
      id,
      type: 'text',
      spellcheck: 'false',
      autocomplete: 'off',
      placeholder: who.kind === 'agent' ? `agent_id:${who.agentId}:call:call_` : `customer_id:${who.customerId}:call:call_`,
      'aria-describedby': `${id}-verdict`,
      'data-testid': 'topic-input',
    });
    const verdictLine = h('p', { id: `${id}-verdict`, class: 'verdict', 'aria-live': 'polite', 'data-testid': 'topic-verdict' });
    const add = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Add');
    const check = (): boolean => {
      const raw = input.value;
      if (raw === '') {
        say(verdictLine, '');
        input.removeAttribute('aria-invalid');
        add.disabled = true;
        return false;
      }
      const verdict = validateTopic(raw, who);
      if (!verdict.ok) {
        say(verdictLine, `Not accepted: ${verdict.reason}.`, 'error');
        input.setAttribute('aria-invalid', 'true');
        add.disabled = true;
        return false;
      }
      const dup = (this.draft ?? []).includes(raw);
      const warnings = topicWarnings(verdict.topic);
      if (dup) {
        say(verdictLine, 'Already in the list.', 'warn');
      } else {
        // The topic is accepted: a note about it is a warning of its own, not a reason to colour the OK as one.
        verdictLine.dataset.tone = 'ok';
        replace(
          verdictLine,
          h('span', { 'data-tone': 'ok', 'data-testid': 'topic-verdict-ok' }, `OK: ${describeTopic(raw, who)}.`),
          warnings.length > 0 ? ' ' : null,
          warnings.length > 0
            ? h('span', { class: 'verdict-note', 'data-tone': 'warn', 'data-testid': 'topic-verdict-note' }, `Note: ${warnings.join('; ')}.`)
            : null,
        );
      }
      input.setAttribute('aria-invalid', 'false');
      add.disabled = dup;
      return !dup;
    };
    const addTopic = (): void => {
      if (!check()) return;
      this.draft = [...(this.draft ?? []), input.value];
      this.render();
      say(this.result, 'Added. Save to apply.', 'info');
      document.querySelector<HTMLInputElement>('[data-testid="topic-input"]')?.focus();
    };
    input.addEventListener('input', check);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        addTopic();
      }
    });
    add.addEventListener('click', addTopic);
    const presets = v.presets.map((p) =>
      h(
        'button',
        {
          type: 'button',
          class: 'chip-button',
          disabled: p.unavailable !== null,
          title: p.unavailable ?? `Adds ${p.topics.length} topic${p.topics.length === 1 ? '' : 's'}`,
          'aria-describedby': p.unavailable === null ? undefined : `${id}-presets-help`,
          onclick: () => {
            const next = [...(this.draft ?? [])];
            for (const t of p.topics) if (!next.includes(t)) next.push(t);
            this.draft = next;
            this.render();
            say(this.result, `Added "${p.label}". Save to apply.`, 'info');
          },
        },
        `+ ${p.label}`,
      ),
    );
    const unavailable = v.presets.filter((p) => p.unavailable !== null);
    return h(
      'div',
      { class: 'editor' },
      h('label', { for: id }, 'Add a topic'),
      h('div', { class: 'inline' }, input, add),
      verdictLine,
      h('p', { class: 'label' }, 'Presets'),
      h('div', { class: 'chips' }, ...presets),
      unavailable.length === 0 ? null : h('p', { id: `${id}-presets-help`, class: 'help' }, ...unavailable.map((p) => `${p.label}: ${p.unavailable ?? ''}. `)),
    );
  }
}
