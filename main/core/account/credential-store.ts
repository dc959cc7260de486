import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCredential, type Credential } from '../api/index.js';
import { NotifierError, describeError } from '../platform/index.js';

/**
 * Where a signed-in user's credentials live between runs. One interface, two backends: the
 * headless command keeps a plain JSON file only its owner can read; the desktop app will keep
 * the same record sealed by the OS keychain (Electron safeStorage) — pass a `Sealer` and the
 * file holds ciphertext instead. Either way the record is the same.
 */
export interface StoredCredentials {
  /** Normalised API root the credential belongs to. */
  apiUrl: string;
  credential: Credential;
  /** Who signed in with a password; absent for pasted tokens and access keys. */
  username?: string | undefined;
  savedAt: Date;
}

export interface CredentialStore {
  /** Where the credentials are kept, for messages ("saved to …"). */
  readonly location: string;
  load(): Promise<StoredCredentials | undefined>;
  save(creds: StoredCredentials): Promise<void>;
  /** True if something was removed. */
  clear(): Promise<boolean>;
}

/**
 * What Electron's safeStorage offers (encryptStringAsync/decryptStringAsync), kept free of
 * Electron types. Either form may be synchronous.
 */
export interface Sealer {
  seal(plain: string): Buffer | Promise<Buffer>;
  unseal(sealed: Buffer): string | Promise<string>;
}

const FileSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('jwt'), token: z.string().min(1), api_url: z.string().min(1), username: z.string().optional(), saved_at: z.string() }),
  z.object({ kind: z.literal('accesskey'), accesskey: z.string().min(1), api_url: z.string().min(1), username: z.string().optional(), saved_at: z.string() }),
]);

export function encodeStoredCredentials(c: StoredCredentials): string {
  const secret = c.credential.kind === 'jwt' ? { token: c.credential.token } : { accesskey: c.credential.key };
  return (
    JSON.stringify(
      {
        api_url: c.apiUrl,
        kind: c.credential.kind,
        ...secret,
        ...(c.username !== undefined ? { username: c.username } : {}),
        saved_at: c.savedAt.toISOString(),
      },
      null,
      2,
    ) + '\n'
  );
}

/** Throws `config_invalid` naming the file; never echoes its contents (they hold a secret). */
export function decodeStoredCredentials(text: string, location: string): StoredCredentials {
  const broken = (why: string): NotifierError =>
    new NotifierError('config_invalid', `The saved credentials in ${location} are unreadable (${why}). Run "voipbin-notifier logout" and sign in again.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw broken('not valid JSON');
  }
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) throw broken(`unexpected contents: ${parsed.error.issues[0]?.path.map(String).join('.') || 'top level'}`);
  const f = parsed.data;
  let credential: Credential;
  try {
    credential = f.kind === 'jwt' ? parseCredential(f.token, 'token') : parseCredential(f.accesskey, 'accesskey');
  } catch (e) {
    throw broken(describeError(e));
  }
  if (credential.kind !== f.kind) throw broken(`the stored ${f.kind === 'jwt' ? 'token' : 'access key'} is of the other kind`);
  const savedAt = new Date(f.saved_at);
  return { apiUrl: f.api_url, credential, username: f.username, savedAt: Number.isNaN(savedAt.getTime()) ? new Date(0) : savedAt };
}

/**
 * The per-user configuration directory: $VOIPBIN_NOTIFIER_CONFIG_DIR if set, else the
 * platform's convention (XDG on Linux and other Unixes).
 */
export function configDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const override = env.VOIPBIN_NOTIFIER_CONFIG_DIR?.trim();
  if (override) return override;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'voipbin-notifier');
  if (platform === 'win32') return join(env.APPDATA?.trim() || join(home, 'AppData', 'Roaming'), 'voipbin-notifier');
  return join(env.XDG_CONFIG_HOME?.trim() || join(home, '.config'), 'voipbin-notifier');
}

export interface FileCredentialStoreOptions {
  dir: string;
  fileName?: string;
  sealer?: Sealer;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const POSIX = process.platform !== 'win32';

export class FileCredentialStore implements CredentialStore {
  readonly location: string;
  private readonly dir: string;
  private readonly sealer: Sealer | undefined;

  constructor(opts: FileCredentialStoreOptions) {
    this.dir = opts.dir;
    this.location = join(opts.dir, opts.fileName ?? (opts.sealer === undefined ? 'credentials.json' : 'credentials.sealed'));
    this.sealer = opts.sealer;
  }

  async load(): Promise<StoredCredentials | undefined> {
    // A folder others can list was loosened by hand or by a copy: fixed at every start, not only at the next save.
    if (POSIX) await tighten(this.dir, DIR_MODE, 'directory');
    let raw: Buffer;
    try {
      raw = await readFile(this.location);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new NotifierError('config_invalid', `Cannot read the saved credentials in ${this.location}: ${describeError(e)}`);
    }
    // A file someone else can read was loosened by hand or by a copy; tighten it rather than keep leaking.
    if (POSIX) await tighten(this.location, FILE_MODE, 'file');
    let text: string;
    try {
      text = this.sealer === undefined ? raw.toString('utf8') : await this.sealer.unseal(raw);
    } catch {
      throw new NotifierError(
        'config_invalid',
        `The saved credentials in ${this.location} cannot be unsealed (saved by another user or machine?). Sign in again.`,
      );
    }
    return decodeStoredCredentials(text, this.location);
  }

  /** Atomic: a crash mid-write leaves the old file or the new one, never half of either. */
  async save(creds: StoredCredentials): Promise<void> {
    const text = encodeStoredCredentials(creds);
    let data: Buffer;
    try {
      data = this.sealer === undefined ? Buffer.from(text, 'utf8') : await this.sealer.seal(text);
    } catch (e) {
      // A locked or missing keychain: say so instead of passing the keychain's own exception on.
      throw new NotifierError(
        'config_invalid',
        `Cannot protect the credentials with the system keychain (${describeError(e)}); nothing was saved. Unlock the keychain and sign in again.`,
        {},
        { cause: e },
      );
    }
    const tmp = `${this.location}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    let created = false;
    try {
      await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      if (POSIX) await tighten(this.dir, DIR_MODE, 'directory');
      // The mode is set at creation ('wx' refuses to follow a planted file), so the secret is never
      // world-readable, and the rename puts that very file in place: no chmod of a path afterwards.
      const handle = await open(tmp, 'wx', FILE_MODE);
      created = true;
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.location);
      created = false;
    } catch (e) {
      // A full disk leaves half a secret behind: never keep it.
      if (created) await rm(tmp, { force: true }).catch(() => undefined);
      throw new NotifierError('config_invalid', `Cannot save the credentials to ${this.location}: ${describeError(e)}`, {}, { cause: e });
    }
  }

  async clear(): Promise<boolean> {
    try {
      await rm(this.location);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new NotifierError('config_invalid', `Cannot remove the saved credentials in ${this.location}: ${describeError(e)}`);
    }
  }
}

/**
 * Sets the mode of our own file or folder, never through a symlink: chmod follows links, and a
 * link planted in place of credentials.json must not make us loosen or change its target.
 */
async function tighten(path: string, mode: number, kind: 'file' | 'directory'): Promise<void> {
  try {
    const s = await lstat(path);
    const right = kind === 'file' ? s.isFile() : s.isDirectory();
    if (right && (s.mode & 0o777) !== mode && s.uid === process.getuid?.()) await chmod(path, mode);
  } catch {
    // Missing, or not ours to fix (another owner): reading still works, and save() writes a new file with the right mode.
  }
}
