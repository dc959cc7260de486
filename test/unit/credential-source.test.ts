import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCredentials } from '../../main/core/account/credential-source.js';
import { FileCredentialStore } from '../../main/core/account/credential-store.js';
import { agentPayload, fakeAgentJwt } from '../support/jwt.js';

let dir: string;
let store: FileCredentialStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vbn-source-'));
  store = new FileCredentialStore({ dir });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const storedJwt = fakeAgentJwt(agentPayload({ permission: 0x20 }));
const flagJwt = fakeAgentJwt(agentPayload({ permission: 0x10 }));
const envKey = 'vb_fromTheEnvironment1';

async function saveStored(): Promise<void> {
  await store.save({ apiUrl: 'https://voipbin.self-hosted.example', credential: { kind: 'jwt', token: storedJwt }, username: 'alice', savedAt: new Date() });
}

describe('resolveCredentials: flags > env > saved sign-in', () => {
  it('prefers command-line options over everything', async () => {
    await saveStored();
    const r = await resolveCredentials({ token: flagJwt }, { VOIPBIN_ACCESSKEY: envKey }, store);
    expect(r).toMatchObject({ source: 'flags', credential: { kind: 'jwt', token: flagJwt } });
    // The saved server belongs to the saved token only.
    expect(r.endpoints.root).toBe('https://api.voipbin.net');
  });

  it('uses the environment when no option is given', async () => {
    await saveStored();
    const r = await resolveCredentials({}, { VOIPBIN_ACCESSKEY: envKey, VOIPBIN_API_URL: 'https://env.example' }, store);
    expect(r).toMatchObject({ source: 'env', credential: { kind: 'accesskey', key: envKey } });
    expect(r.endpoints.root).toBe('https://env.example');
  });

  it('falls back to the saved sign-in and its server', async () => {
    await saveStored();
    const r = await resolveCredentials({ token: '  ' }, { VOIPBIN_TOKEN: '' }, store);
    expect(r).toMatchObject({ source: 'stored', credential: { kind: 'jwt', token: storedJwt } });
    expect(r.endpoints.root).toBe('https://voipbin.self-hosted.example');
    expect(r.stored?.username).toBe('alice');
  });

  it('never sends the saved sign-in to another server: --api-url or VOIPBIN_API_URL naming one means "no saved sign-in for it"', async () => {
    await saveStored();
    for (const [flags, env] of [
      [{ apiUrl: 'https://flag.example' }, { VOIPBIN_API_URL: 'https://env.example' }],
      [{}, { VOIPBIN_API_URL: 'https://env.example' }],
    ] as const) {
      await expect(resolveCredentials(flags, env, store)).rejects.toMatchObject({
        code: 'credentials_missing',
        message: expect.stringMatching(
          /^No saved sign-in for https:\/\/(flag|env)\.example: the saved one is for https:\/\/voipbin\.self-hosted\.example .*login --api-url https:\/\/(flag|env)\.example/,
        ) as unknown,
      });
    }
    // The same server, however it is written, is the saved one's.
    expect((await resolveCredentials({ apiUrl: 'https://VoIPBIN.self-hosted.example/' }, {}, store)).endpoints.root).toBe(
      'https://voipbin.self-hosted.example',
    );
  });

  it('says how to sign in when there is nothing anywhere', async () => {
    await expect(resolveCredentials({}, {}, store)).rejects.toMatchObject({
      code: 'credentials_missing',
      message: expect.stringMatching(/login.*--token.*VOIPBIN_TOKEN/s) as unknown,
    });
  });

  it('still refuses two credentials at once', async () => {
    await expect(resolveCredentials({ token: flagJwt, accesskey: envKey }, {}, store)).rejects.toMatchObject({ code: 'bad_usage' });
    await expect(resolveCredentials({}, { VOIPBIN_TOKEN: flagJwt, VOIPBIN_ACCESSKEY: envKey }, store)).rejects.toMatchObject({ code: 'bad_usage' });
  });
});
