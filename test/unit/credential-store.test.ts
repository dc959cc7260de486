import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDir, FileCredentialStore, type Sealer, type StoredCredentials } from '../../main/core/account/credential-store.js';
import { redactor } from '../../main/core/platform/redact.js';
import { agentPayload, fakeAgentJwt } from '../support/jwt.js';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'vbn-store-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const jwt = fakeAgentJwt(agentPayload());
const agentCreds: StoredCredentials = {
  apiUrl: 'https://api.voipbin.net',
  credential: { kind: 'jwt', token: jwt },
  username: 'alice',
  savedAt: new Date('2026-08-01T10:00:00.000Z'),
};
const posix = process.platform !== 'win32';

describe('FileCredentialStore', () => {
  it('round-trips a token and an access key in the documented file shape', async () => {
    const store = new FileCredentialStore({ dir: join(base, 'cfg') });
    expect(await store.load()).toBeUndefined();
    await store.save(agentCreds);
    expect(await store.load()).toEqual(agentCreds);
    expect(JSON.parse(await readFile(store.location, 'utf8'))).toEqual({
      api_url: 'https://api.voipbin.net',
      kind: 'jwt',
      token: jwt,
      username: 'alice',
      saved_at: '2026-08-01T10:00:00.000Z',
    });

    const key = { ...agentCreds, credential: { kind: 'accesskey' as const, key: 'vb_abcdefghijklmnop' }, username: undefined };
    await store.save(key);
    expect(await store.load()).toEqual(key);
    expect(JSON.parse(await readFile(store.location, 'utf8'))).toEqual({
      api_url: 'https://api.voipbin.net',
      kind: 'accesskey',
      accesskey: 'vb_abcdefghijklmnop',
      saved_at: '2026-08-01T10:00:00.000Z',
    });
  });

  it.runIf(posix)('creates the directory 0700 and the file 0600, and tightens a loosened one', async () => {
    const dir = join(base, 'nested', 'cfg');
    const store = new FileCredentialStore({ dir });
    await store.save(agentCreds);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(store.location)).mode & 0o777).toBe(0o600);

    await chmod(dir, 0o755);
    await chmod(store.location, 0o644);
    await store.load();
    expect((await stat(store.location)).mode & 0o777).toBe(0o600);
    // At every start, not only at the next save.
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    await chmod(dir, 0o755);
    await store.save(agentCreds);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it.runIf(posix)('never changes the mode of what a symlink in its place points to', async () => {
    const dir = join(base, 'linked');
    await new FileCredentialStore({ dir }).save(agentCreds);
    const victim = join(base, 'victim.txt');
    await writeFile(victim, 'not ours', { mode: 0o644 });
    await chmod(victim, 0o644);
    await rm(join(dir, 'credentials.json'));
    await symlink(victim, join(dir, 'credentials.json'));
    await expect(new FileCredentialStore({ dir }).load()).rejects.toMatchObject({ code: 'config_invalid' });
    expect((await lstat(victim)).mode & 0o777).toBe(0o644);

    const realDir = join(base, 'real-dir');
    await mkdir(realDir, { mode: 0o755 });
    await chmod(realDir, 0o755);
    const linkedDir = join(base, 'link-to-dir');
    await symlink(realDir, linkedDir);
    await new FileCredentialStore({ dir: linkedDir }).load();
    expect((await stat(realDir)).mode & 0o777).toBe(0o755);
  });

  it('replaces the file atomically and leaves no temporary files', async () => {
    const store = new FileCredentialStore({ dir: base });
    await store.save(agentCreds);
    await store.save({ ...agentCreds, username: 'bob' });
    expect(await readdir(base)).toEqual(['credentials.json']);
    expect((await store.load())?.username).toBe('bob');
  });

  it('reports a corrupted or tampered file clearly, naming the file and never its contents', async () => {
    const store = new FileCredentialStore({ dir: base });
    const cases = [
      '{"api_url":"https://x", "kind":"jwt", "tok',
      JSON.stringify({ api_url: 'https://x', kind: 'password', token: jwt, saved_at: 'x' }),
      JSON.stringify({ api_url: 'https://x', kind: 'jwt', token: 'vb_secretlooking123', saved_at: 'x' }),
      JSON.stringify({ api_url: 'https://x', kind: 'jwt', token: 'hunter2-not-a-token', saved_at: 'x' }),
      '',
    ];
    for (const text of cases) {
      await writeFile(store.location, text);
      const err = await store.load().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'config_invalid' });
      const message = (err as Error).message;
      expect(message).toContain(store.location);
      expect(message).toMatch(/logout/);
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('vb_secretlooking123');
    }
  });

  it('registers a loaded secret with the redactor', async () => {
    const store = new FileCredentialStore({ dir: base });
    const key = 'vb_loadedFromDisk_0123456789';
    await writeFile(store.location, JSON.stringify({ api_url: 'https://x', kind: 'accesskey', accesskey: key, saved_at: '2026-01-01T00:00:00Z' }));
    await store.load();
    expect(redactor.redact(`key=${key}!`)).not.toContain(key);
  });

  it('clear() removes the file and says whether there was one', async () => {
    const store = new FileCredentialStore({ dir: base });
    expect(await store.clear()).toBe(false);
    await store.save(agentCreds);
    expect(await store.clear()).toBe(true);
    expect(await store.load()).toBeUndefined();
  });

  it('keeps only ciphertext on disk when given a sealer (the safeStorage backend)', async () => {
    // Stands in for Electron safeStorage: an OS-held key the file alone does not reveal.
    const key = randomBytes(32);
    const sealer: Sealer = {
      seal: (plain) => {
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', key, iv);
        const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
        return Buffer.concat([iv, c.getAuthTag(), body]);
      },
      unseal: (sealed) => {
        const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
        d.setAuthTag(sealed.subarray(12, 28));
        return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
      },
    };
    const store = new FileCredentialStore({ dir: base, sealer });
    await store.save(agentCreds);
    expect(await store.load()).toEqual(agentCreds);
    const onDisk = await readFile(store.location);
    expect(onDisk.toString('latin1')).not.toContain(jwt.slice(0, 20));

    const otherMachine = new FileCredentialStore({
      dir: base,
      sealer: {
        ...sealer,
        unseal: () => {
          throw new Error('bad key');
        },
      },
    });
    await expect(otherMachine.load()).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringMatching(/cannot be unsealed/) as unknown });
  });
});

describe('configDir', () => {
  const home = '/home/alice';
  it('honours VOIPBIN_NOTIFIER_CONFIG_DIR first', () => {
    expect(configDir({ VOIPBIN_NOTIFIER_CONFIG_DIR: '/tmp/cfg', XDG_CONFIG_HOME: '/x' }, 'linux', home)).toBe('/tmp/cfg');
  });
  it('follows each platform convention', () => {
    expect(configDir({}, 'linux', home)).toBe(join(home, '.config', 'voipbin-notifier'));
    expect(configDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', home)).toBe(join('/xdg', 'voipbin-notifier'));
    expect(configDir({ XDG_CONFIG_HOME: '  ' }, 'freebsd', home)).toBe(join(home, '.config', 'voipbin-notifier'));
    expect(configDir({}, 'darwin', home)).toBe(join(home, 'Library', 'Application Support', 'voipbin-notifier'));
    expect(configDir({ APPDATA: 'C:\\Users\\alice\\AppData\\Roaming' }, 'win32', home)).toBe(join('C:\\Users\\alice\\AppData\\Roaming', 'voipbin-notifier'));
  });
});
