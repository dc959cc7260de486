/**
 * A few lines instead of a UI framework: elements from data, with text always set as text
 * (never HTML), so nothing from an event or the server can inject markup.
 */
type Child = Node | string | null | undefined | false;
type Attr = string | number | boolean | null | undefined;
type Handler = (e: Event) => void;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Readonly<Record<string, Attr | Handler>> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === 'function') {
      el.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function replace(el: Element, ...children: readonly Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`missing #${id}`);
  return el;
}

let idSeq = 0;
export function uid(prefix: string): string {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/** A labelled on/off switch: a real checkbox, so keyboards and screen readers know it. */
export function toggle(
  label: string,
  checked: boolean,
  onChange: (on: boolean) => void,
  opts: { help?: string; disabled?: boolean; testId?: string } = {},
): HTMLElement {
  const id = uid('sw');
  const helpId = opts.help === undefined ? undefined : `${id}-help`;
  const input = h('input', { type: 'checkbox', role: 'switch', id, 'aria-describedby': helpId, disabled: opts.disabled === true, 'data-testid': opts.testId });
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  return h(
    'div',
    { class: 'switch-row' },
    h('label', { for: id, class: 'switch' }, input, h('span', { class: 'track', 'aria-hidden': 'true' }), h('span', { class: 'switch-label' }, label)),
    opts.help === undefined ? null : h('p', { id: helpId, class: 'help' }, opts.help),
  );
}

/** An aria-live line for results and validation: said aloud when it changes. */
export function liveLine(className = 'result'): HTMLElement {
  return h('p', { class: className, role: 'status', 'aria-live': 'polite' });
}

export function say(line: HTMLElement, text: string, tone: 'ok' | 'error' | 'warn' | 'info' = 'info'): void {
  line.textContent = text;
  line.dataset.tone = tone;
}

export function card(title: string, ...children: readonly Child[]): HTMLElement {
  const id = uid('card');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** Disables a button while its action runs, and says what went wrong in words. */
export async function busy<T>(button: HTMLButtonElement, label: string, action: () => Promise<T>): Promise<T> {
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = before;
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
