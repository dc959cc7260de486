import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { layering } from '../../eslint.config.js';

/** The dependency rule is only worth something if it bites: lint real snippets at real paths. */
async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layering],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('layering lint rule', () => {
  it.each([
    ['main/core/x.ts', "import { app } from 'electron';", /no electron imports/],
    ['main/core/x.ts', "import type { BrowserWindow } from 'electron/main';", /no electron imports/],
    ['main/core/x.ts', "import { view } from '../../renderer/view.js';", /renderer/],
    ['main/core/x.ts', "import { tray } from '../tray.js';", /main\/ adapters/],
    ['shared/x.ts', "import { readFileSync } from 'node:fs';", /Node built-ins/],
    ['shared/x.ts', "import { Listener } from '../main/core/listener.js';", /must not import main/],
    ['renderer/x.ts', "import { ipcRenderer } from 'electron';", /preload bridge/],
    ['renderer/x.ts', "import { x } from '../main/core/frames.js';", /must not import main/],
    ['main/app/x.ts', "import { app } from 'electron';", /without Electron/],
    ['main/app/x.ts', "import type { WebPreferences } from 'electron';", /without Electron/],
    ['main/app/x.ts', "import Store from 'electron-store';", /electron-store imports electron/],
    ['main/app/x.ts', "import { TrayView } from '../electron/tray.js';", /must not import main\/electron adapters/],
    ['main/app/x.ts', "import { view } from '../../renderer/app.js';", /must not import renderer/],
    ['main/electron/x.ts', "import { StatusPanel } from '../../renderer/panels/status.js';", /must not import renderer code/],
  ])('%s: %s is refused', async (file, code, message) => {
    const errors = await errorsFor(file, code);
    expect(errors.join('\n')).toMatch(message);
  });
  it.each([
    ['main/core/x.ts', "import { y } from './y.js'; import { validateTopic } from '../../shared/topics.js'; import WebSocket from 'ws'; import { readFileSync } from 'node:fs';"],
    ['main/tray.ts', "import { Tray } from 'electron'; import { Listener } from './core/listener.js';"],
    ['renderer/x.ts', "import { validateTopic } from '../shared/topics.js';"],
    ['main/app/x.ts', "import { Listener } from '../core/listener.js'; import { CHANNELS } from '../../shared/ipc-contract.js'; import { readFile } from 'node:fs/promises';"],
    ['main/electron/x.ts', "import { app, Tray } from 'electron'; import { trayModel } from '../app/tray-model.js'; import { redactor } from '../core/redact.js';"],
  ])('%s: allowed imports pass', async (file, code) => {
    expect(await errorsFor(file, code)).toEqual([]);
  });
});
