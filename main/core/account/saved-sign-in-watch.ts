import { stat } from 'node:fs/promises';
import { credentialSecret } from '../api/index.js';
import type { FileCredentialStore, StoredCredentials } from './credential-store.js';
import { NotifierError, describeError, isNotifierError } from '../platform/index.js';

/**
 * Notices when `voipbin-notifier login` saves a new sign-in (or `logout` removes it) while a
 * running `run` uses the saved one, so a desk whose token expired picks up the agent's new sign-in
 * by itself instead of staying stopped. Polls the file's stat: login replaces the file by rename,
 * which file-system watchers report unreliably across platforms, and a look every two seconds is
 * nothing next to a call's ringing time.
 */
export type SavedSignInChange = { kind: 'replaced'; stored: StoredCredentials } | { kind: 'removed' } | { kind: 'unreadable'; error: NotifierError };

/** The same sign-in: the same secret for the same server (a rewrite of the same login changes nothing). */
export function sameSignIn(a: StoredCredentials | undefined, b: StoredCredentials | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.apiUrl === b.apiUrl && a.credential.kind === b.credential.kind && credentialSecret(a.credential) === credentialSecret(b.credential);
}

/** What identifies one version of the file without reading it: login replaces it, so the inode changes too. */
async function fileVersion(path: string): Promise<string> {
  try {
    const st = await stat(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'none';
  }
}

export class SavedSignInWatch {
  private current: StoredCredentials | undefined;
  private timer: NodeJS.Timeout | undefined;
  private version: Promise<string>;
  private stopped = false;

  constructor(
    private readonly store: FileCredentialStore,
    current: StoredCredentials | undefined,
    private readonly onChange: (change: SavedSignInChange) => void,
    private readonly opts: { intervalMs?: number; persistent?: boolean } = {},
  ) {
    this.current = current;
    this.version = fileVersion(store.location);
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll().finally(() => this.schedule()), this.opts.intervalMs ?? 2_000);
    // Beside a live connection, watching must not be what keeps the process alive; while waiting
    // for a login it is the only thing that should.
    if (this.opts.persistent !== true) this.timer.unref();
  }

  /** One look at a time, in order: two quick saves are never reported out of order. */
  private async poll(): Promise<void> {
    const before = await this.version;
    const now = await fileVersion(this.store.location);
    this.version = Promise.resolve(now);
    if (now !== before) await this.check();
  }

  private async check(): Promise<void> {
    let next: StoredCredentials | undefined;
    try {
      next = await this.store.load();
    } catch (e) {
      if (!this.stopped) this.onChange({ kind: 'unreadable', error: isNotifierError(e) ? e : new NotifierError('config_invalid', describeError(e)) });
      return;
    }
    if (this.stopped || sameSignIn(this.current, next)) return;
    this.current = next;
    this.onChange(next === undefined ? { kind: 'removed' } : { kind: 'replaced', stored: next });
  }
}

/** Resolves with the next saved sign-in that differs from `current` (a login), or when `signal` aborts. */
export function nextSavedSignIn(
  store: FileCredentialStore,
  current: StoredCredentials | undefined,
  signal: AbortSignal,
  intervalMs?: number,
): Promise<StoredCredentials | undefined> {
  return new Promise((resolve) => {
    const watch = new SavedSignInWatch(
      store,
      current,
      (change) => {
        if (change.kind !== 'replaced') return;
        finish(change.stored);
      },
      { intervalMs, persistent: true },
    );
    const finish = (stored: StoredCredentials | undefined): void => {
      watch.stop();
      signal.removeEventListener('abort', onAbort);
      resolve(stored);
    };
    const onAbort = (): void => finish(undefined);
    if (signal.aborted) {
      resolve(undefined);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    watch.start();
    // Saved between our last look and the start of watching: fs.watchFile reports only later changes.
    void store.load().then(
      (stored) => {
        if (stored !== undefined && !sameSignIn(current, stored)) finish(stored);
      },
      () => undefined,
    );
  });
}
