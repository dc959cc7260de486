import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DesktopApp } from '../../main/desktop/desktop-app.js';
import { createIpcHandlers, type IpcHandlers } from '../../main/desktop/ipc/handlers.js';
import { electronSettingsStore } from '../../main/electron/electron-settings-store.js';
import { FileCredentialStore, type Sealer } from '../../main/core/account/credential-store.js';
import { silentLogger } from '../../main/core/platform/log.js';
import { systemClock } from '../../main/core/platform/clock.js';
import type { NotificationSink, PopUp } from '../../main/core/notify/notification-center.js';
import { isChannel } from '../../shared/ipc-contract.js';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { FAST_STREAM, startEmulator } from '../support/harness.js';

/**
 * The settings window for real, in Debian's Chromium: the built renderer served over loopback,
 * and a test bridge that calls the same IPC handlers the main process registers, backed by a
 * real DesktopApp talking to the VoIPBIN emulator. Only the desktop edges are stand-ins: a
 * recording notification sink, clipboard and browser-opening, a reversible sealer.
 */
const root = join(import.meta.dirname, '..', '..');
const distRenderer = join(root, 'dist', 'renderer');

export function chromiumPath(): string | undefined {
  try {
    const p = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return p === '' ? undefined : p;
  } catch {
    return undefined;
  }
}

/** Under CI the suite must run: a missing browser is a failure, not a skip. */
export function browserAvailable(): boolean {
  const found = chromiumPath() !== undefined;
  if (!found && process.env.CI === 'true')
    throw new Error('chromium is not installed (apt-get install chromium): the browser suite cannot be skipped under CI');
  return found;
}

export class RecordingSink implements NotificationSink {
  readonly name = 'recording';
  readonly shown: PopUp[] = [];
  readonly withdrawn: string[] = [];
  refuse: string | undefined;
  show(p: PopUp): Promise<void> {
    if (this.refuse !== undefined) return Promise.reject(new Error(this.refuse));
    this.shown.push(p);
    return Promise.resolve();
  }
  withdraw(resourceId: string): Promise<void> {
    this.withdrawn.push(resourceId);
    return Promise.resolve();
  }
}

/** Reversible, and visibly not plain text on disk. */
export const testSealer: Sealer = {
  seal: (plain) => Buffer.from(plain, 'utf8').reverse(),
  unseal: (sealed) => Buffer.from(sealed).reverse().toString('utf8'),
};

let shimSource: Promise<string> | undefined;
function shim(): Promise<string> {
  shimSource ??= build({
    entryPoints: [join(import.meta.dirname, 'bridge-shim.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    target: 'chrome130',
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]?.text ?? '');
  return shimSource;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

async function serveRenderer(): Promise<Server> {
  if (!existsSync(join(distRenderer, 'index.html'))) throw new Error('dist/renderer is missing: run "npm run build" first');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^[/\\]+/, '') || 'index.html';
    if (path.includes('..')) {
      res.writeHead(400).end();
      return;
    }
    readFile(join(distRenderer, path)).then(
      (body) => res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export interface DesktopHarness {
  emu: VoipbinEmulator;
  dir: string;
  app: DesktopApp;
  handlers: IpcHandlers;
  sink: RecordingSink;
  opened: string[];
  clipboard: { text: string };
  /** How often the window asked the app to quit. */
  quits: { count: number };
  pageUrl: string;
  /** A fresh page at the given width and colour scheme, bridged to the app. */
  open(opts?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; page?: 'index.html' | 'call.html' | 'reply.html' }): Promise<Page>;
  /** Waits until the app's state satisfies `pred`. */
  until(what: string, pred: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startDesktop(browser: Browser, opts: { now?: () => number } = {}): Promise<DesktopHarness> {
  const emu = await startEmulator();
  const dir = await mkdtemp(join(tmpdir(), 'vbn-desktop-'));
  const sink = new RecordingSink();
  const opened: string[] = [];
  const clipboard = { text: '' };
  const quits = { count: 0 };
  const app = new DesktopApp({
    version: '0.1.0',
    credentials: new FileCredentialStore({ dir, sealer: testSealer }),
    protection: { protection: 'keychain', seal: true, warning: undefined },
    settings: electronSettingsStore({ file: join(dir, 'settings.json') }),
    sink,
    logger: silentLogger(),
    logFolder: join(dir, 'logs'),
    port: {
      copyToClipboard: (text) => {
        clipboard.text = text;
        return Promise.resolve();
      },
      openExternal: (url) => {
        opened.push(url);
        return Promise.resolve();
      },
      openPath: () => Promise.resolve(''),
      setAutostart: () => Promise.resolve(),
      autostartSupported: true,
      quit: () => {
        quits.count++;
      },
    },
    environment: { platform: 'test', electron: 'none (browser test)' },
    stream: FAST_STREAM,
    guardGraceMs: 1_500,
    ...(opts.now !== undefined ? { clock: { ...systemClock, now: opts.now } } : {}),
  });
  await app.start();
  const handlers = createIpcHandlers(app, silentLogger());
  const server = await serveRenderer();
  const pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`;
  const pages = new Set<Page>();
  const offState = app.on('state', (s) => {
    for (const p of pages)
      void p.evaluate((state) => (globalThis as unknown as { __voipbinEmit?: (x: unknown) => void }).__voipbinEmit?.(state), s).catch(() => undefined);
  });
  const contexts: { close(): Promise<void> }[] = [];

  return {
    emu,
    dir,
    app,
    handlers,
    sink,
    opened,
    clipboard,
    quits,
    pageUrl,
    async open(o = {}) {
      const context = await browser.newContext({
        viewport: { width: o.width ?? 480, height: o.height ?? 900 },
        colorScheme: o.colorScheme ?? 'light',
        reducedMotion: 'reduce',
      });
      contexts.push(context);
      // Fail within a test's time with Playwright's own message, not vitest's bare timeout.
      context.setDefaultTimeout(6_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.exposeFunction('__voipbinInvoke', async (channel: unknown, payload: unknown) => {
        if (!isChannel(channel)) return { ok: false, error: { code: 'bad_request', message: 'unknown channel' } };
        return handlers[channel](payload);
      });
      await page.addInitScript({ content: await shim() });
      pages.add(page);
      page.on('close', () => pages.delete(page));
      await page.goto(o.page === undefined ? pageUrl : new URL(o.page, pageUrl).href);
      (page as Page & { errors: string[] }).errors = errors;
      return page;
    },
    async until(what, pred, timeoutMs = 8_000) {
      const start = Date.now();
      while (!pred()) {
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(app.state.connection)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      offState();
      for (const c of contexts) await c.close().catch(() => undefined);
      await app.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await emu.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error('chromium not found');
  // launch() gives every run a fresh temporary profile (Playwright refuses a --user-data-dir here).
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--font-render-hinting=none',
    ],
  });
}

/** Errors the page reported (uncaught exceptions, console.error, CSP violations). */
export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}
