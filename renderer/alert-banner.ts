import type { AppState } from '../shared/ipc-contract.js';
import { api } from './bridge.js';
import { busy, h, replace } from './dom.js';
import { outageStory } from './outage.js';

/**
 * "Not receiving calls": why, what the notifier is doing about it, and the one button that can
 * help. Only the why sits in the alert role, and it is rewritten only when it changes: the retry
 * countdown beside it would otherwise have the whole alert read out at every attempt.
 */
type Fix = 'sign-in' | 'reconnect' | 'test' | 'available';

export class AlertBanner {
  private readonly story = h('div', { role: 'alert', class: 'alert-story' });
  private readonly doing = h('p', { class: 'alert-doing' });
  private readonly fixes: Readonly<Record<Fix, HTMLButtonElement>>;
  private storyKey = '';
  private fix: Fix | undefined;

  constructor(
    private readonly root: HTMLElement,
    goToSignIn: () => void,
  ) {
    const button = (label: string): HTMLButtonElement => h('button', { type: 'button', class: 'primary' }, label);
    const signIn = button('Go to sign-in');
    signIn.addEventListener('click', goToSignIn);
    const reconnect = button('Reconnect now');
    reconnect.addEventListener('click', () => void busy(reconnect, 'Reconnecting…', () => api.invoke('connection:reconnect')).catch(() => undefined));
    const test = button('Try a test notification');
    test.addEventListener('click', () => void busy(test, 'Sending…', () => api.invoke('notifications:test')).catch(() => undefined));
    const available = button('Set me Available');
    available.addEventListener(
      'click',
      () => void busy(available, 'Setting…', () => api.invoke('presence:set', { status: 'available' })).catch(() => undefined),
    );
    this.fixes = { 'sign-in': signIn, reconnect, test, available };
    replace(root, h('div', { class: 'alert-text' }, this.story, this.doing));
  }

  render(s: AppState, now: number): void {
    const a = s.alert;
    this.root.hidden = a === null;
    if (a === null) {
      // Emptied, so the next outage is a change the alert role announces.
      this.tell('', '', '');
      this.setFix(undefined);
      return;
    }
    if (a.reason === 'stream_down') {
      const o = outageStory(a, s.connection, now);
      this.tell(o.why, o.detail, o.doing);
      this.setFix('reconnect');
    } else {
      this.tell(a.title, a.message, '');
      this.setFix(a.reason === 'notifications_blocked' ? 'test' : a.reason === 'not_available' ? 'available' : 'sign-in');
    }
  }

  private tell(why: string, detail: string, doing: string): void {
    const key = JSON.stringify([why, detail]);
    if (key !== this.storyKey) {
      this.storyKey = key;
      replace(this.story, why === '' ? null : h('strong', {}, why), detail === '' ? null : h('p', {}, detail));
    }
    if (this.doing.textContent !== doing) this.doing.textContent = doing;
  }

  private setFix(fix: Fix | undefined): void {
    if (fix === this.fix) return;
    // Swapped only when the kind of fix changes, so a focused button is not replaced under the keyboard.
    if (this.fix !== undefined) this.fixes[this.fix].remove();
    this.fix = fix;
    if (fix !== undefined) this.root.append(this.fixes[fix]);
  }
}
