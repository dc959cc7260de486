import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fake from '../fakes/electron.js';
import { SettingsWindow } from '../../main/electron/settings-window.js';
import { CallWindow } from '../../main/electron/call-window.js';
import { ReplyWindow } from '../../main/electron/reply-window.js';
import { SECURE_WEB_PREFERENCES } from '../support/secure-web-preferences.js';
import { APP_CSP, hardenContents, lockDownSession } from '../../main/electron/security.js';
import { baseState } from '../support/app-state.js';
import { DesktopApp } from '../../main/desktop/desktop-app.js';
import { ConsoleLinks } from '../../main/desktop/features/console.js';
import { createIpcHandlers } from '../../main/desktop/ipc/handlers.js';
import { electronSettingsStore } from '../../main/electron/electron-settings-store.js';
import { FileCredentialStore } from '../../main/core/account/credential-store.js';
import { silentLogger } from '../../main/core/platform/log.js';
import { CHANNEL_NAMES } from '../../shared/ipc-contract.js';

/**
 * Electron's security checklist, item by item, checked statically against the source (the app
 * cannot be launched on CI). An equivalent of electronegativity's checks, for this code base.
 */
const root = join(import.meta.dirname, '..', '..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const sources = (dir: string): [string, string][] =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`${dir}/${f}`, read(`${dir}/${f}`)]);
const mainSources = sources('main');
const rendererSources = sources('renderer');

describe('Electron security checklist', () => {
  /** Every window, made through their adapters against the fake electron, as an installed (or a development) app makes them. */
  function createdWindows(packaged: boolean): Record<string, unknown>[] {
    fake.app.isPackaged = packaged;
    try {
      const before = fake.BrowserWindow.created.length;
      new SettingsWindow({ preload: '/app/preload.cjs', page: '/app/index.html', title: () => 't', trayless: () => false, quitting: () => false }).show();
      const ringing = {
        ...baseState(),
        ringing: [{ id: 'a0000000-0000-4000-8000-0000000000aa', title: 'Incoming call', body: 'x', startedAt: 0, openable: true, contactOpenable: false }],
      };
      new CallWindow({ preload: '/app/preload.cjs', page: '/app/call.html', onClosed: () => undefined }).update(ringing);
      const replying = {
        ...baseState(),
        replies: [{ id: 'r1', kind: 'chat' as const, title: 't', quote: 'q', text: '', state: 'writing' as const, error: null, askedAt: 1 }],
      };
      new ReplyWindow({ preload: '/app/preload.cjs', page: '/app/reply.html' }).update(replying);
      return fake.BrowserWindow.created.slice(before).map((w) => w.options);
    } finally {
      fake.app.isPackaged = true;
    }
  }

  it('every window: isolation, sandbox, no Node, web security, no webviews, experiments or middle-click windows; no devtools when installed', () => {
    const windows = createdWindows(true);
    expect(windows).toHaveLength(3);
    for (const options of windows) expect(options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, preload: '/app/preload.cjs' });
    expect(windows[0]?.minWidth).toBeLessThanOrEqual(480);
    // While developing (npm start), the developer tools are there.
    for (const options of createdWindows(false))
      expect(options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, devTools: true, preload: '/app/preload.cjs' });
  });

  it('windows are made only by the three window adapters', () => {
    const created = mainSources
      .filter(([, s]) => /new BrowserWindow\(/.test(s))
      .map(([f]) => f)
      .sort();
    expect(created).toEqual(['main/electron/call-window.ts', 'main/electron/reply-window.ts', 'main/electron/settings-window.ts']);
  });

  it('a hardened webContents opens no windows, navigates nowhere and attaches no webview', () => {
    const contents = new fake.FakeWebContents();
    hardenContents(contents as never);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(contents.attempt(event, 'https://evil.example/'), event).toBe(true);
    }
  });

  it('a locked-down session refuses every permission, loads only local files, and sends the CSP with every response', () => {
    const s = new fake.FakeSession();
    lockDownSession(s as never);
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read'])
      s.permissionRequest?.({}, permission, (g) => granted.push(g));
    expect(granted).toEqual([false, false, false, false, false]);
    expect(s.permissionCheck?.({}, 'media', 'file://', {})).toBe(false);
    const cancelled = (url: string): boolean | undefined => {
      let answer: boolean | undefined;
      s.beforeRequest?.({ url }, (r) => (answer = r.cancel));
      return answer;
    };
    expect(cancelled('file:///app/dist/renderer/index.html')).toBe(false);
    expect(cancelled('devtools://devtools/bundled/inspector.html')).toBe(false);
    for (const url of [
      'https://evil.example/x.js',
      'http://127.0.0.1:9/',
      'ws://evil.example/',
      'data:text/html,<script>1</script>',
      'blob:file:///x',
      'filesystem:file:///x',
      'FILE:/x',
    ]) {
      expect(cancelled(url), url).toBe(true);
    }
    let headers: Record<string, string[]> | undefined;
    s.headersReceived?.({ url: 'file:///app/index.html', responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] });
  });

  it('no remote content: only local files load', () => {
    expect(mainSources.filter(([, s]) => /\.loadURL\(/.test(s))).toEqual([]);
    const before = fake.BrowserWindow.created.length;
    createdWindows(true);
    expect(fake.BrowserWindow.created.slice(before).map((w) => w.loaded)).toEqual(['/app/index.html', '/app/call.html', '/app/reply.html']);
    expect(mainSources.filter(([, s]) => /@electron\/remote|enableRemoteModule/.test(s))).toEqual([]);
  });

  it('shell.openExternal is handed only to the console links, which open nothing but the configured console', async () => {
    const uses = mainSources.flatMap(([f, s]) => [...s.matchAll(/shell\.openExternal\(/g)].map(() => f));
    expect(uses).toEqual(['main/electron/main.ts']);
    const opened: string[] = [];
    const links = new ConsoleLinks(
      () => 'https://admin.voipbin.net/calls/{id}',
      (url) => {
        opened.push(url);
        return Promise.resolve();
      },
    );
    const id = 'c0ffee00-0000-4000-8000-000000000001';
    expect(await links.open({ kind: 'call', id })).toMatchObject({ opened: true });
    expect(await links.open({ kind: 'call', id: 'https://evil.example/' })).toMatchObject({ opened: false });
    expect(await links.open({ kind: 'call', id: '../../evil.example' })).toMatchObject({ opened: false });
    expect(await links.open(undefined)).toMatchObject({ opened: false });
    const hostile = new ConsoleLinks(
      () => 'javascript:alert(1)//{id}',
      (url) => {
        opened.push(url);
        return Promise.resolve();
      },
    );
    expect(await hostile.open({ kind: 'call', id })).toMatchObject({ opened: false });
    expect(opened).toEqual([`https://admin.voipbin.net/calls/${id}`]);
  });

  it('IPC: handle() only, only in the adapter that checks the sender first; no ipcMain.on', () => {
    expect(mainSources.filter(([, s]) => /ipcMain\.on\(|ipcMain\.once\(/.test(s))).toEqual([]);
    expect(mainSources.filter(([, s]) => /ipcMain\.handle\(/.test(s)).map(([f]) => f)).toEqual(['main/electron/ipc.ts']);
    const ipc = read('main/electron/ipc.ts');
    expect(ipc.indexOf('mayInvoke(')).toBeLessThan(ipc.indexOf('handlers[channel](payload)'));
  });

  it('every IPC handler validates its payload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vbn-sec-'));
    const c = new DesktopApp({
      version: 't',
      credentials: new FileCredentialStore({ dir }),
      protection: { protection: 'keychain', seal: true, warning: undefined },
      settings: electronSettingsStore({ file: join(dir, 'settings.json') }),
      sink: undefined,
      logger: silentLogger(),
      logFolder: dir,
      port: {
        copyToClipboard: () => Promise.resolve(),
        openExternal: () => Promise.reject(new Error('must not open')),
        openPath: () => Promise.resolve('must not open'),
        setAutostart: () => Promise.reject(new Error('must not change')),
        autostartSupported: true,
        quit: () => {
          throw new Error('must not quit');
        },
      },
    });
    const handlers = createIpcHandlers(c, silentLogger());
    for (const channel of CHANNEL_NAMES) {
      for (const garbage of ['a string', 42, ['array'], { constructor: { prototype: {} } }]) {
        const reply = await handlers[channel](garbage);
        expect(reply, `${channel} accepted ${JSON.stringify(garbage)}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
    }
  });

  it('the preload exposes one bridge object, never ipcRenderer itself', async () => {
    await import('../../main/electron/preload.js');
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['voipbin']);
    const bridge = fake.contextBridge.exposed.get('voipbin') as Record<string, unknown>;
    // Nothing of ipcRenderer is reachable from what the page gets: only our own two functions.
    const ipc = new Set<unknown>([
      fake.ipcRenderer,
      ...['invoke', 'on', 'once', 'emit', 'removeListener', 'send', 'sendSync'].map((k): unknown => Reflect.get(fake.ipcRenderer, k)),
    ]);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onState']);
    for (const value of Object.values(bridge)) {
      expect(typeof value).toBe('function');
      expect(ipc.has(value)).toBe(false);
    }
    // Only invoke (answered, sender-checked) crosses; never the fire-and-forget send.
    expect(read('main/electron/preload.ts')).not.toMatch(/ipcRenderer\.send(Sync|To)?\(/);
  });

  // Every page the app loads: the settings window and the call window.
  const pages = readdirSync(join(root, 'renderer')).filter((f) => f.endsWith('.html'));
  it('every window has a page', () => {
    expect(pages.sort()).toEqual(['call.html', 'index.html', 'reply.html']);
  });

  it.each(pages)('%s: a strict Content-Security-Policy, and no inline script or style to need exceptions', (page) => {
    const html = read(`renderer/${page}`);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const directives = new Map(
      (csp ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k ?? '', v]),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
    for (const [name, values] of directives) {
      for (const v of values) {
        expect(v, name).not.toMatch(/unsafe-|\*|^https?:|^ws|^blob:/);
        if (name !== 'img-src') expect(v, name).not.toBe('data:');
      }
    }
    // The header the main process adds to every response says the same.
    expect(csp).toBe(APP_CSP);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=|style="/i);
  });

  it('the window never writes HTML from strings or evaluates code', () => {
    const offenders = rendererSources
      .filter(([, s]) => /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(s))
      .map(([f]) => f);
    expect(offenders).toEqual([]);
  });

  it('packaged builds set the Electron fuses that close the back doors', () => {
    const builder = read('electron-builder.yml');
    for (const [fuse, value] of [
      ['runAsNode', false],
      ['enableNodeOptionsEnvironmentVariable', false],
      ['enableNodeCliInspectArguments', false],
      ['enableEmbeddedAsarIntegrityValidation', true],
      ['onlyLoadAppFromAsar', true],
      ['enableCookieEncryption', true],
    ] as const) {
      expect(builder, fuse).toMatch(new RegExp(`^\\s+${fuse}: ${String(value)}\\b`, 'm'));
    }
  });
});
