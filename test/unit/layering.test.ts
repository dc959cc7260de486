import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { layering } from '../../eslint.config.js';

/**
 * The dependency rules are only worth something if they bite: lint real snippets at real paths
 * (the import resolver reads the real tree, so every imported file below exists).
 */
async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layering],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

// The first lint builds the import resolver's view of the whole tree: seconds on a busy 2-core
// machine. A hang guard, not a speed check.
describe('layering lint rules', { timeout: 30_000 }, () => {
  it.each([
    // Only the Electron adapters import electron (and electron-store).
    ['main/core/platform/x.ts', "import { app } from 'electron';", /Only main\/electron\/ imports electron/],
    ['main/desktop/x.ts', "import type { WebPreferences } from 'electron';", /Only main\/electron\/ imports electron/],
    ['main/desktop/settings/x.ts', "import Store from 'electron-store';", /electron-store imports electron/],
    ['main/cli/x.ts', "import { Notification } from 'electron';", /Only main\/electron\/ imports electron/],
    ['renderer/x.ts', "import { ipcRenderer } from 'electron';", /Only main\/electron\/ imports electron/],
    ['shared/x.ts', "import { readFileSync } from 'node:fs';", /no Node built-ins/],
    // Direction between the layers.
    ['main/core/stream/x.ts', "import { CliProcess } from '../../cli/main.js';", /main\/core is the bottom layer/],
    ['main/core/notify/x.ts', "import { trayModel } from '../../desktop/shell/tray-model.js';", /main\/core is the bottom layer/],
    ['main/core/platform/x.ts', "import { view } from '../../../renderer/app.js';", /main\/core is the bottom layer/],
    ['main/cli/commands/x.ts', "import { trayModel } from '../../desktop/shell/tray-model.js';", /never the desktop app/],
    ['main/desktop/x.ts', "import { TrayView } from '../electron/tray.js';", /without Electron/],
    ['main/desktop/x.ts', "import { VoipbinEmulator } from '../../emulator/index.js';", /without Electron/],
    ['main/electron/x.ts', "import { StatusPanel } from '../../renderer/panels/status.js';", /shared through shared/],
    ['shared/x.ts', "import { Listener } from '../main/core/stream/index.js';", /imports nothing of theirs/],
    ['renderer/x.ts', "import { x } from '../main/core/stream/frames.js';", /only through the preload bridge/],
    ['emulator/x.ts', "import { validateTopic } from '../shared/topics.js';", /shares no code with the client/],
    // Product code never imports the tests.
    ['main/cli/commands/x.ts', "import { seedAccount } from '../../../test/support/harness.js';", /never imports test/],
    ['main/core/stream/x.ts', "import { fakeAgentJwt } from '../../../test/support/jwt.js';", /never imports test/],
    // Public faces: a core feature's index.ts, never its inner modules.
    ['main/cli/x.ts', "import { Listener } from '../core/stream/listener.js';", /public face/],
    ['main/desktop/features/x.ts', "import { NotificationCenter } from '../../core/notify/notification-center.js';", /public face/],
    ['main/electron/x.ts', "import { escapeMarkup } from '../core/platform/untrusted-text.js';", /public face/],
    ['main/core/session/x.ts', "import { Listener } from '../stream/listener.js';", /only through its index/],
    ['main/core/notify/x.ts', "import { readAddress } from '../stream/frames.js';", /only through its index/],
  ])('%s: %s is refused', async (file, code, message) => {
    expect((await errorsFor(file, code)).join('\n')).toMatch(message);
  });

  it.each([
    [
      'main/core/stream/x.ts',
      "import { readAddress } from './frames.js'; import { NotifierError } from '../platform/index.js'; import { validateTopic } from '../../../shared/topics.js'; import WebSocket from 'ws'; import { readFileSync } from 'node:fs';",
    ],
    ['main/cli/x.ts', "import { Listener } from '../core/stream/index.js'; import { VoipbinEmulator } from '../../emulator/index.js';"],
    [
      'main/desktop/x.ts',
      "import { Listener } from '../core/stream/index.js'; import { CHANNELS } from '../../shared/ipc-contract.js'; import { readFile } from 'node:fs/promises';",
    ],
    [
      'main/electron/x.ts',
      "import { app, Tray } from 'electron'; import { trayModel } from '../desktop/shell/tray-model.js'; import { redactor } from '../core/platform/index.js';",
    ],
    ['renderer/x.ts', "import { validateTopic } from '../shared/topics.js';"],
  ])('%s: allowed imports pass', async (file, code) => {
    expect(await errorsFor(file, code)).toEqual([]);
  });

  it('an import cycle is refused', async () => {
    // listener.ts imports EventOrdering from event-ordering.ts; importing listener.ts back from there closes a cycle.
    const errors = await errorsFor('main/core/stream/event-ordering.ts', "import { Listener } from './listener.js'; export const x = Listener;");
    expect(errors.join('\n')).toMatch(/Dependency cycle/);
  });
});
