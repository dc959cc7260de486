import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { APP_ID } from '../../main/cli/sinks/node-notifier-sink.js';

/**
 * The installers can't be built here (no Electron binary), so check what can be: the config is
 * valid for electron-builder's own schema and loader, every icon it names exists at the right sizes,
 * and the icons are exactly what the script makes from the vector source.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId: string;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  protocols: { schemes: string[] }[];
  mac: { icon: string; hardenedRuntime: boolean; entitlements: string; target: { target: string; arch: string[] }[] };
  win: { icon: string; target: { target: string }[] };
  nsis: { createStartMenuShortcut: boolean; perMachine: boolean; oneClick: boolean };
  linux: { icon: string; target: { target: string; arch: string[] }[]; desktop: { entry: Record<string, string> } };
  deb: { depends: string[] };
  rpm: { depends: string[] };
}

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig: (projectDir: string, configPath: string | null, configFromOptions: unknown) => Promise<BuilderConfig>;
  validateConfiguration: (config: unknown, debugLogger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

async function loadConfig(dir = root): Promise<BuilderConfig> {
  const config = await getConfig(dir, null, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString('latin1'), `${path} is a PNG`).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

function icoSizes(path: string): number[] {
  const b = readFileSync(path);
  expect(b.readUInt16LE(2), `${path} is an icon file`).toBe(1);
  return Array.from({ length: b.readUInt16LE(4) }, (_, i) => b[6 + i * 16] || 256).sort((x, y) => x - y);
}

const TRAY_STATES = ['connected', 'connecting', 'offline', 'signed-out', 'paused'];

describe('electron-builder.yml', () => {
  it("loads and validates with electron-builder's own loader and schema", async () => {
    const config = await loadConfig();
    expect(config.appId).toBe(APP_ID);
    expect(config.mac.target.flatMap((t) => t.arch)).toEqual(['x64', 'arm64', 'x64', 'arm64']);
    expect(config.linux.target.map((t) => t.target)).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis', 'msi']);
  });

  it('the validator bites: a misspelt option is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vbn-builder-'));
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    writeFileSync(join(dir, 'electron-builder.yml'), `${readFileSync(join(root, 'electron-builder.yml'), 'utf8')}\nnsis2:\n  oneClick: true\n`);
    await expect(loadConfig(dir)).rejects.toThrow(/nsis2/);
  });

  it('is secure and notification-ready by configuration', async () => {
    const c = await loadConfig();
    expect(c.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
    expect(c.asarUnpack).toContain('node_modules/node-notifier/vendor/**');
    expect(c.protocols[0]!.schemes).toEqual(['voipbin-notifier']);
    expect(c.mac.hardenedRuntime).toBe(true);
    expect(readFileSync(join(root, c.mac.entitlements), 'utf8')).toContain('com.apple.security.cs.allow-jit');
    expect(c.nsis).toMatchObject({ createStartMenuShortcut: true, oneClick: false, perMachine: false });
    expect(c.deb.depends.join(' ')).toMatch(/libnotify4.*appindicator/);
    expect(c.rpm.depends).toContain('libnotify');
    expect(c.linux.desktop.entry.MimeType).toContain('x-scheme-handler/voipbin-notifier');
  });

  it('every icon it names exists at the sizes each platform needs', async () => {
    const c = await loadConfig();
    expect(pngSize(join(root, c.mac.icon))).toEqual([1024, 1024]);
    expect(icoSizes(join(root, c.win.icon))).toEqual([16, 24, 32, 48, 64, 128, 256]);
    const linux = readdirSync(join(root, c.linux.icon));
    expect(linux.sort()).toEqual(['128x128.png', '16x16.png', '24x24.png', '256x256.png', '32x32.png', '48x48.png', '512x512.png', '64x64.png']);
    for (const f of linux) {
      const n = Number(f.split('x')[0]);
      expect(pngSize(join(root, c.linux.icon, f))).toEqual([n, n]);
    }
  });
});

describe('the release workflow', () => {
  it('builds on macOS, Windows and Ubuntu with scripts that exist, and uploads every installer type', () => {
    const wf = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8');
    const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    for (const [, name] of wf.matchAll(/npm run ([\w:-]+)/g)) expect(scripts).toContain(name);
    for (const os of ['macos-', 'windows-', 'ubuntu-']) expect(wf).toContain(`os: ${os}`);
    for (const flag of ['--mac', '--win', '--linux']) expect(wf).toContain(`platform: ${flag}`);
    for (const ext of ['dmg', 'zip', 'exe', 'msi', 'AppImage', 'deb', 'rpm']) expect(wf).toContain(`release/*.${ext}`);
    expect(wf).toMatch(/--publish never/);
  });
});

describe('the command as an npm package', () => {
  it('the release packs it (npm pack) and attaches the tarball; publishing is public, with provenance', () => {
    const wf = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8');
    expect(wf).toMatch(/- run: npm pack\n/);
    expect(wf).toContain('path: voipbin-notifier-*.tgz');
    expect(wf).toMatch(/needs: \[build, command\]/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { publishConfig?: Record<string, unknown>; bin: Record<string, string> };
    expect(pkg.publishConfig).toMatchObject({ access: 'public', provenance: true });
    expect(pkg.bin['voipbin-notifier']).toBe('dist/main/cli/main.js');
  });

  it('the tarball holds the built command, the emulator the demo needs and the icons, and no sources, tests or keys', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['dist/main/cli/main.js', 'dist/emulator/index.js', 'assets/icons/128x128.png', 'package.json', 'README.md']) expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('main/') || f.endsWith('.pem') || /(?<!\.d)\.ts$/.test(f))).toEqual([]);
  });
});

describe('tray icons', () => {
  it.each(TRAY_STATES)('%s exists for every platform at every size', (state) => {
    expect(pngSize(join(root, 'assets/tray/mac', `${state}Template.png`))).toEqual([16, 16]);
    expect(pngSize(join(root, 'assets/tray/mac', `${state}Template@2x.png`))).toEqual([32, 32]);
    expect(icoSizes(join(root, 'assets/tray/win', `${state}.ico`))).toEqual([16, 20, 24, 32, 40, 48]);
    for (const size of [16, 24, 32, 48]) {
      expect(pngSize(join(root, 'assets/tray/linux', `${state}-${size}.png`))).toEqual([size, size]);
      expect(pngSize(join(root, 'assets/tray/linux', `${state}-${size}@2x.png`))).toEqual([size * 2, size * 2]);
    }
  });

  it.each(TRAY_STATES)('the macOS template for %s is black with alpha only, and visible', (state) => {
    // Template images must carry no colour: macOS tints them for light and dark menu bars.
    const { data } = PNG.sync.read(readFileSync(join(root, 'assets/tray/mac', `${state}Template@2x.png`)));
    let opaque = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! === 0) continue;
      opaque += 1;
      expect([data[i], data[i + 1], data[i + 2]]).toEqual([0, 0, 0]);
    }
    expect(opaque).toBeGreaterThan(80);
  });

  it('the committed icons are exactly what the script makes from assets/icon.svg', () => {
    const out = mkdtempSync(join(tmpdir(), 'vbn-icons-'));
    const r = spawnSync(process.execPath, [join(root, 'scripts/generate-icons.mjs'), '--out', out]);
    expect(r.status, r.stderr.toString()).toBe(0);
    for (const f of ['icon.png', 'icon.ico', 'icons/48x48.png', 'tray/linux/offline-24@2x.png', 'tray/mac/pausedTemplate.png', 'tray/win/connected.ico']) {
      expect(readFileSync(join(out, f)).equals(readFileSync(join(root, 'assets', f))), `${f} is stale: run npm run icons`).toBe(true);
    }
  });
});
