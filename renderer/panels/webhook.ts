import { WEBHOOK_METHOD_NAMES } from '../../shared/ipc-channels.js';
import type { WebhookTestResult, WebhookView } from '../../shared/ipc-contract.js';
import { api } from '../bridge.js';
import { busy, card, errorText, h, liveLine, replace, say, uid } from '../dom.js';

/**
 * Webhook tab (customer admins): VoIPBIN's one account-wide webhook. Saving goes through the
 * core's GET → merge → full PUT, so the account's other fields survive; the secret is masked
 * and copied by the main process straight to the clipboard. When another admin changed the
 * account since the panel showed it, nothing is written: after any refused change the panel shows
 * the account as it is now (error codes do not survive Electron's context bridge, so every
 * failure refreshes), keeps what was typed, and the next Save applies it on top.
 */
const VERDICT_WORDS: Readonly<Record<WebhookTestResult['verdict'], string>> = {
  delivered: 'Delivered',
  rejected: 'Rejected — event lost',
  would_retry: 'Server error — VoIPBIN would retry',
  unreachable: 'Unreachable',
  timeout: 'Timed out',
};

export class WebhookPanel {
  private view: WebhookView | undefined;

  constructor(private readonly root: HTMLElement) {}

  async load(): Promise<void> {
    replace(this.root, card('Account webhook', h('p', { class: 'empty' }, 'Loading the account’s webhook…')));
    try {
      this.view = await api.invoke('webhook:get');
      this.render();
    } catch (e) {
      replace(this.root, card('Account webhook', h('p', { class: 'error', role: 'alert' }, errorText(e))));
    }
  }

  /** `draft`: what the user had typed, kept over a refresh. */
  private render(draft?: { method: string; uri: string }): void {
    const v = this.view;
    if (v === undefined) return;
    const result = liveLine();
    const methodId = uid('method');
    const uriId = uid('uri');
    const method = h(
      'select',
      { id: methodId, 'data-testid': 'webhook-method' },
      ...WEBHOOK_METHOD_NAMES.map((m) => h('option', { value: m, selected: (draft?.method ?? (v.method || 'POST')) === m }, m)),
    );
    const uri = h('input', {
      id: uriId,
      type: 'url',
      value: draft?.uri ?? v.uri,
      placeholder: 'https://hooks.example.com/voipbin',
      spellcheck: 'false',
      'data-testid': 'webhook-uri',
    });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
    const disable = h('button', { type: 'button', class: 'secondary', disabled: !v.enabled }, 'Disable');
    const form = h(
      'form',
      { class: 'webhook-form', novalidate: true },
      h(
        'div',
        { class: 'inline' },
        h('div', { class: 'field method' }, h('label', { for: methodId }, 'Method'), method),
        h('div', { class: 'field grow' }, h('label', { for: uriId }, 'URL'), uri),
      ),
      h('div', { class: 'actions' }, save, disable),
      result,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void busy(save, 'Saving…', async () => {
        try {
          this.view = await api.invoke('webhook:set', { method: method.value as (typeof WEBHOOK_METHOD_NAMES)[number], uri: uri.value });
          this.render();
          this.say(
            `Saved: ${this.view.method} ${this.view.uri}. The account’s other details were kept as they were.${warnings(this.view.warnings)}`,
            this.view.warnings.length > 0 ? 'warn' : 'ok',
          );
        } catch (err) {
          await this.afterFailure(err, { method: method.value, uri: uri.value });
        }
      });
    });
    disable.addEventListener(
      'click',
      () =>
        void busy(disable, 'Disabling…', async () => {
          try {
            this.view = await api.invoke('webhook:disable');
            this.render();
            this.say('Disabled: VoIPBIN no longer sends events to a URL. The method is kept.', 'ok');
          } catch (err) {
            await this.afterFailure(err, { method: method.value, uri: uri.value });
          }
        }),
    );

    const secretLine = liveLine();
    const copy = h('button', { type: 'button', class: 'secondary', disabled: !v.secretSet }, 'Copy');
    copy.addEventListener(
      'click',
      () =>
        void busy(copy, 'Copying…', async () => {
          try {
            const r = await api.invoke('webhook:copy-secret');
            say(secretLine, r.message, r.copied ? 'ok' : 'warn');
          } catch (err) {
            say(secretLine, errorText(err), 'error');
          }
        }),
    );

    replace(
      this.root,
      card(
        'Account webhook',
        h(
          'p',
          { class: v.enabled ? 'state on' : 'state', 'data-testid': 'webhook-state' },
          v.enabled ? `Enabled — ${v.method || 'GET'} ${v.uri}` : 'Disabled — VoIPBIN sends events to no URL.',
        ),
        h('p', { class: 'help' }, 'VoIPBIN sends every event of the account to this URL, signed with the X-VoIPBIN-Signature header.'),
        form,
      ),
      card(
        'Signing secret',
        h('div', { class: 'inline secret' }, h('code', { 'data-testid': 'webhook-secret' }, v.secretMasked ?? 'No signing secret'), copy),
        h('p', { class: 'help' }, 'Verify each delivery with an HMAC-SHA256 of the body and this secret.'),
        secretLine,
      ),
      this.testCard(v),
    );
    this.resultLine = result;
  }

  private resultLine: HTMLElement | undefined;

  /** A change was refused (or someone else changed the account): show it as it is now, keep the draft, say why. */
  private async afterFailure(err: unknown, draft: { method: string; uri: string }): Promise<void> {
    try {
      this.view = await api.invoke('webhook:get');
    } catch {
      // The account cannot be read just now: the panel keeps showing what it had.
    }
    this.render(draft);
    this.say(`${errorText(err)} Your entry is kept.`, 'error');
    this.root.querySelector('[data-testid="webhook-uri"]')?.setAttribute('aria-invalid', 'true');
  }

  private say(text: string, tone: 'ok' | 'warn' | 'error'): void {
    if (this.resultLine !== undefined) say(this.resultLine, text, tone);
  }

  private testCard(v: WebhookView): HTMLElement {
    const eventId = uid('event');
    const targetId = uid('target');
    const event = h(
      'select',
      { id: eventId, 'data-testid': 'webhook-test-event' },
      ...v.sampleEvents.map((e) => h('option', { value: e, selected: e === 'call_hangup' }, e)),
    );
    const target = h('input', {
      id: targetId,
      type: 'url',
      placeholder: v.uri === '' ? 'https://…' : 'the saved URL',
      spellcheck: 'false',
      'data-testid': 'webhook-test-uri',
    });
    const send = h('button', { type: 'button', class: 'primary', 'data-testid': 'webhook-send-test' }, 'Send test event');
    const out = h('div', { class: 'test-result', 'aria-live': 'polite', 'data-testid': 'webhook-test-result' });
    send.addEventListener(
      'click',
      () =>
        void busy(send, 'Sending…', async () => {
          replace(out);
          try {
            const r = await api.invoke('webhook:test', { event: event.value, ...(target.value.trim() !== '' ? { uri: target.value } : {}) });
            replace(
              out,
              h(
                'p',
                { class: 'verdict-line', 'data-verdict': r.verdict },
                h('strong', {}, VERDICT_WORDS[r.verdict]),
                ` · ${r.status === null ? 'no response' : `HTTP ${r.status}`} · ${r.latencyMs} ms${r.signed ? ' · signed' : ' · unsigned'}`,
              ),
              h('p', {}, r.message),
              ...r.warnings.map((w) => h('p', { class: 'help warn' }, w)),
              r.responseExcerpt === null ? null : h('p', { class: 'help' }, 'Receiver said: ', h('code', {}, r.responseExcerpt)),
            );
          } catch (err) {
            replace(out, h('p', { class: 'error', role: 'alert' }, errorText(err)));
          }
        }),
    );
    return card(
      'Test delivery',
      h(
        'p',
        { class: 'help' },
        'Sends one sample event exactly as VoIPBIN would (method, headers, signature, 30 s timeout) and reports what VoIPBIN would make of the answer.',
      ),
      h('div', { class: 'field' }, h('label', { for: eventId }, 'Sample event'), event),
      h(
        'div',
        { class: 'field' },
        h('label', { for: targetId }, 'Send to (optional)'),
        target,
        h('p', { class: 'help' }, 'Leave empty to use the saved URL. A receiver on this computer may be tested here.'),
      ),
      h('div', { class: 'actions' }, send),
      out,
    );
  }
}

function warnings(list: readonly string[]): string {
  return list.length === 0 ? '' : ` Note: ${list.join(' ')}`;
}
