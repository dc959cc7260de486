import { join } from 'node:path';
import { DesktopApp, type DesktopAppOptions } from '../../main/desktop/desktop-app.js';
import { electronSettingsStore } from '../../main/electron/electron-settings-store.js';
import { FileCredentialStore } from '../../main/core/account/credential-store.js';
import { parseCredential } from '../../main/core/api/credentials.js';
import type { NotificationSink, PopUp } from '../../main/core/notify/notification-center.js';
import type { WithdrawReason } from '../../main/core/notify/call-offers.js';
import type { AppState } from '../../shared/ipc-contract.js';
import { FAST_STREAM, memoryLogger, type Account } from './harness.js';

/** The desktop app without Electron, for integration tests: real sessions, the emulator, recording edges. */
export class RecordingSink implements NotificationSink {
  readonly name = 'test';
  readonly shown: PopUp[] = [];
  /** Set: the OS refuses every pop-up with this reason. */
  refuse: string | undefined;
  show(p: PopUp): Promise<void> {
    if (this.refuse !== undefined) return Promise.reject(new Error(this.refuse));
    this.shown.push(p);
    return Promise.resolve();
  }
  readonly withdrawn: { resourceId: string; reason: WithdrawReason }[] = [];
  withdraw(resourceId: string, reason: WithdrawReason): Promise<void> {
    this.withdrawn.push({ resourceId, reason });
    return Promise.resolve();
  }
}

export interface Controller {
  c: DesktopApp;
  opened: string[];
  clipboard: { text: string };
}

export function desktopController(
  dir: string,
  opts: { sink?: RecordingSink; log?: ReturnType<typeof memoryLogger>; overrides?: Partial<DesktopAppOptions> } = {},
): Controller {
  const opened: string[] = [];
  const clipboard = { text: '' };
  const c = new DesktopApp({
    version: '0.1.0',
    credentials: new FileCredentialStore({ dir }),
    protection: { protection: 'plaintext', seal: false, warning: 'No system keyring is available.' },
    settings: electronSettingsStore({ file: join(dir, 'settings.json') }),
    sink: opts.sink ?? new RecordingSink(),
    logger: (opts.log ?? memoryLogger()).logger,
    logFolder: join(dir, 'logs'),
    port: {
      copyToClipboard: (t) => {
        clipboard.text = t;
        return Promise.resolve();
      },
      openExternal: (u) => {
        opened.push(u);
        return Promise.resolve();
      },
      openPath: () => Promise.resolve(''),
      setAutostart: () => Promise.resolve(),
      autostartSupported: false,
      quit: () => undefined,
    },
    stream: FAST_STREAM,
    guardGraceMs: 400,
    wrapUpMs: 300,
    ...opts.overrides,
  });
  return { c, opened, clipboard };
}

export async function untilState(c: DesktopApp, what: string, pred: (s: AppState) => boolean, timeoutMs = 6_000): Promise<void> {
  const start = Date.now();
  while (!pred(c.state)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(c.state.connection)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function saveSignIn(dir: string, apiUrl: string, a: Account, secret: string): Promise<void> {
  await new FileCredentialStore({ dir }).save({ apiUrl, credential: parseCredential(secret, 'token'), username: a.username, savedAt: new Date() });
}
