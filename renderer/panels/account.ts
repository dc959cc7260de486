import type { AppState } from '../../shared/ipc-contract.js';
import { DEFAULT_API_URL } from '../../shared/endpoints.js';
import { api } from '../bridge.js';
import { busy, card, errorText, h, liveLine, replace, say, uid } from '../dom.js';
import { inTime, when } from '../format.js';

/** Account tab: sign in (agent or access key, any server), or who is signed in and until when. */
type Method = 'password' | 'accesskey';

export class AccountPanel {
  private signedIn: boolean | undefined;
  private method: Method = 'password';
  private shownKey = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly onSignedIn: () => void,
  ) {}

  render(s: AppState, now: number): void {
    // Re-rendering a form would throw away what is being typed: only when sign-in status flips.
    if (s.account.signedIn && this.signedIn === true) {
      // Only when something shown changed: a rebuild would take focus from the Sign out button.
      const key = JSON.stringify([s.account, s.storage, Math.floor(now / 60_000)]);
      if (key !== this.shownKey) {
        this.shownKey = key;
        this.renderSignedIn(s, now);
      }
      return;
    }
    if (this.signedIn === s.account.signedIn) return;
    this.signedIn = s.account.signedIn;
    this.shownKey = '';
    if (s.account.signedIn) this.render(s, now);
    else this.renderForm(s.account.apiUrl, s);
  }

  private renderForm(apiUrl: string, s: AppState): void {
    const error = h('p', { class: 'form-error', role: 'alert', 'aria-live': 'assertive', 'data-testid': 'sign-in-error' });
    const fields = h('div', { class: 'fields' });
    const apiId = uid('api');
    const api_ = h('input', { id: apiId, name: 'apiUrl', type: 'url', value: apiUrl, placeholder: DEFAULT_API_URL, spellcheck: 'false', autocomplete: 'url' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
    const inputs: { username?: HTMLInputElement; password?: HTMLInputElement; secret?: HTMLInputElement } = {};

    const field = (label: string, input: HTMLInputElement, help?: string): HTMLElement => {
      const id = uid('f');
      input.id = id;
      if (help !== undefined) input.setAttribute('aria-describedby', `${id}-help`);
      return h('div', { class: 'field' }, h('label', { for: id }, label), input, help === undefined ? null : h('p', { id: `${id}-help`, class: 'help' }, help));
    };
    const showFields = (): void => {
      if (this.method === 'password') {
        inputs.username = h('input', { name: 'username', type: 'text', autocomplete: 'username', required: true, spellcheck: 'false' });
        inputs.password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
        inputs.secret = undefined;
        replace(fields, field('Username', inputs.username), field('Password', inputs.password));
      } else {
        inputs.secret = h('input', { name: 'secret', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
        inputs.username = undefined;
        inputs.password = undefined;
        replace(fields, field('Access key', inputs.secret, 'An access key (vb_…) from the VoIPBIN console, or an agent token.'));
      }
    };
    const methodName = uid('method');
    const radio = (value: Method, label: string): HTMLElement => {
      const id = uid('m');
      const input = h('input', { type: 'radio', name: methodName, id, value });
      input.checked = this.method === value;
      input.addEventListener('change', () => {
        this.method = value;
        showFields();
        say(error, '');
      });
      return h('label', { for: id, class: 'segment' }, input, h('span', {}, label));
    };

    const form = h(
      'form',
      { class: 'sign-in', novalidate: true, 'aria-describedby': 'sign-in-intro' },
      h(
        'p',
        { id: 'sign-in-intro', class: 'lead' },
        `Sign in to receive your calls and messages. ${
          s.desktop.tray === 'missing'
            ? 'The notifier stays connected while this window is open or minimised.'
            : 'The notifier stays connected in the tray, even with this window closed.'
        }`,
      ),
      h('fieldset', { class: 'segmented' }, h('legend', {}, 'Sign in with'), radio('password', 'Username & password'), radio('accesskey', 'Access key')),
      fields,
      h(
        'details',
        { class: 'advanced', open: apiUrl !== DEFAULT_API_URL },
        h('summary', {}, 'Self-hosted VoIPBIN'),
        h(
          'div',
          { class: 'field' },
          h('label', { for: apiId }, 'API address'),
          api_,
          h('p', { class: 'help' }, `Leave as ${DEFAULT_API_URL} for the hosted service.`),
        ),
      ),
      error,
      h('div', { class: 'actions' }, submit),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const missing =
        this.method === 'password'
          ? inputs.username?.value.trim() === ''
            ? inputs.username
            : inputs.password?.value === ''
              ? inputs.password
              : undefined
          : inputs.secret?.value.trim() === ''
            ? inputs.secret
            : undefined;
      if (missing !== undefined) {
        say(
          error,
          this.method === 'accesskey' ? 'Paste your access key.' : missing === inputs.username ? 'Enter your username.' : 'Enter your password.',
          'error',
        );
        missing.setAttribute('aria-invalid', 'true');
        missing.focus();
        return;
      }
      say(error, '');
      void busy(submit, 'Signing in…', async () => {
        try {
          const apiUrl = api_.value.trim();
          await api.invoke(
            'account:sign-in',
            this.method === 'password'
              ? { method: 'password', apiUrl, username: inputs.username?.value ?? '', password: inputs.password?.value ?? '' }
              : { method: 'accesskey', apiUrl, secret: inputs.secret?.value ?? '' },
          );
          this.onSignedIn();
        } catch (err) {
          say(error, errorText(err), 'error');
          (inputs.password ?? inputs.secret)?.select();
        }
      });
    });
    showFields();
    replace(this.root, card('Sign in', form), s.storage.warning === null ? null : h('p', { class: 'banner banner-warn' }, s.storage.warning));
  }

  private renderSignedIn(s: AppState, now: number): void {
    const a = s.account;
    if (!a.signedIn) return;
    const signOut = h('button', { type: 'button', class: 'danger' }, 'Sign out');
    const line = liveLine();
    signOut.addEventListener(
      'click',
      () =>
        void busy(signOut, 'Signing out…', async () => {
          try {
            await api.invoke('account:sign-out');
          } catch (e) {
            say(line, errorText(e), 'error');
          }
        }),
    );
    const expiryTone = a.expiry === 'expired' || a.expiry === 'critical' ? 'error' : a.expiry === 'warning' ? 'warn' : undefined;
    // An access key cannot be signed in with again: a new one is needed.
    const renew = a.kind === 'accesskey' ? 'create a new access key' : 'sign in again';
    const expiry =
      a.expiresAt === null
        ? a.kind === 'accesskey'
          ? 'Not known (the access key list could not be read)'
          : 'Not known (the token carries no date)'
        : a.expiry === 'expired'
          ? `Expired ${when(a.expiresAt)} — ${renew}`
          : `${when(a.expiresAt)} (in ${inTime(a.expiresAt - now)})${a.expiry === 'ok' ? '' : ` — ${renew} soon`}`;
    const fact = (term: string, value: string | HTMLElement, tone?: string, testId?: string): HTMLElement[] => [
      h('dt', {}, term),
      h('dd', { 'data-tone': tone, 'data-testid': testId }, value),
    ];
    replace(
      this.root,
      card(
        'Signed in',
        h(
          'div',
          { class: 'identity' },
          h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(a.displayName)),
          h(
            'div',
            {},
            h('p', { class: 'name', 'data-testid': 'signed-in-name' }, a.displayName),
            h('p', { class: 'sub' }, a.kind === 'agent' ? `Agent${a.username !== null ? ` · ${a.username}` : ''}` : 'Access key'),
          ),
        ),
        h(
          'dl',
          { class: 'facts' },
          ...fact('Customer', a.customerName ?? a.customerId),
          ...fact('Permissions', h('span', { class: 'chips' }, ...a.permissions.map((p) => h('span', { class: 'chip' }, p)))),
          ...fact(a.kind === 'accesskey' ? 'Key expires' : 'Sign-in expires', expiry, expiryTone, 'token-expiry'),
          ...fact('Credential', a.credentialHint),
          ...fact('Server', a.apiUrl),
          ...fact(
            'Stored',
            s.storage.protection === 'keychain'
              ? 'In the system keychain'
              : s.storage.protection === 'weak'
                ? 'Obfuscated only (no keyring)'
                : 'Unencrypted file (no keyring)',
            s.storage.protection === 'keychain' ? undefined : 'warn',
          ),
        ),
        s.storage.warning === null ? null : h('p', { class: 'banner banner-warn', role: 'note' }, s.storage.warning),
        h('div', { class: 'actions' }, signOut),
        line,
      ),
    );
  }
}

function initials(name: string): string {
  const parts = name
    .trim()
    .split(/\s+/)
    .filter((p) => p !== '');
  return (parts.length > 1 ? `${parts[0]?.[0] ?? ''}${parts[parts.length - 1]?.[0] ?? ''}` : name.slice(0, 2)).toUpperCase();
}
