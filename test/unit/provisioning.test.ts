import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadProvisioning,
  provisionedDefaults,
  enforceLocks,
  lockedChanges,
  expandTopicTemplates,
  provisioningPath,
  type Provisioning,
} from '../../main/desktop/settings/provisioning.js';
import { DEFAULT_APP_SETTINGS, type AppSettings } from '../../shared/app-settings.js';
import { AGENT_ID, CUSTOMER_ID } from '../support/jwt.js';

const dir = mkdtempSync(join(tmpdir(), 'vbn-prov-'));
function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const corporate: Provisioning = {
  version: 1,
  apiUrl: 'https://voipbin.acme.example',
  topics: ['agent_id:{agent_id}:call:call_', 'customer_id:{customer_id}:queuecall:queuecall_'],
  notifications: { privacy: true, kinds: { chat_message: { enabled: false, sound: false } }, quietHours: { enabled: true, start: '19:00', end: '07:30' } },
  autostart: true,
  lock: ['apiUrl', 'notifications.privacy'],
};

describe('the provisioning file', () => {
  it('lives at a documented machine-wide path per OS, overridable for tests', () => {
    expect(provisioningPath({}, 'linux')).toBe('/etc/voipbin-notifier/provisioning.json');
    expect(provisioningPath({}, 'darwin')).toBe('/Library/Application Support/VoIPBIN Notifier/provisioning.json');
    expect(provisioningPath({ ProgramData: 'D:\\PD' }, 'win32')).toMatch(/^D:\\PD.VoIPBIN Notifier.provisioning\.json$/);
    expect(provisioningPath({ VOIPBIN_NOTIFIER_PROVISIONING: '/x.json' }, 'linux')).toBe('/x.json');
  });

  it('is optional', async () => {
    expect(await loadProvisioning(join(dir, 'absent.json'))).toEqual({ path: join(dir, 'absent.json'), provisioning: undefined, problem: undefined });
  });

  it('loads a valid file', async () => {
    const loaded = await loadProvisioning(file('ok.json', JSON.stringify(corporate)));
    expect(loaded.problem).toBeUndefined();
    expect(loaded.provisioning).toEqual(corporate);
  });

  it.each([
    ['broken.json', '{"version": 1, "apiUrl": ', /not valid JSON/],
    ['version.json', '{"version": 2}', /version: Invalid input/],
    ['typo.json', '{"version": 1, "apiURL": "https://x"}', /top level: Unrecognized key.*apiURL/],
    ['lock.json', '{"version": 1, "lock": ["notifications.volume"]}', /lock\.0: Invalid option/],
    [
      'hours.json',
      '{"version": 1, "notifications": {"quietHours": {"enabled": true, "start": "7pm", "end": "07:00"}}}',
      /notifications\.quietHours\.start: use 24-hour HH:MM/,
    ],
  ])('reports %s clearly and ignores it, never fatal', async (name, content, reason) => {
    const loaded = await loadProvisioning(file(name, content));
    expect(loaded.provisioning).toBeUndefined();
    expect(loaded.problem).toMatch(reason);
    expect(loaded.problem).toContain(join(dir, name));
    expect(loaded.problem).toMatch(/ignored/);
  });

  it('reports a file that cannot be read', async () => {
    const d = join(dir, 'a-directory.json');
    mkdirSync(d);
    const loaded = await loadProvisioning(d);
    expect(loaded.provisioning).toBeUndefined();
    expect(loaded.problem).toMatch(/could not be read \(.*EISDIR/);
  });
});

describe('layering: defaults < provisioning < user, except locked settings', () => {
  it('presets are where a new user starts', () => {
    const d = provisionedDefaults(corporate);
    expect(d.apiUrl).toBe('https://voipbin.acme.example');
    expect(d.topics).toEqual(corporate.topics);
    expect(d.notifications.privacy).toBe(true);
    expect(d.notifications.kinds.chat_message).toEqual({ enabled: false, sound: false });
    expect(d.notifications.kinds.incoming_call).toEqual(DEFAULT_APP_SETTINGS.notifications.kinds.incoming_call);
    expect(d.notifications.quietHours).toEqual({ enabled: true, start: '19:00', end: '07:30' });
    expect(provisionedDefaults(undefined)).toBe(DEFAULT_APP_SETTINGS);
  });

  it("a user's own choices stand, except where the administrator locked them", () => {
    const user: AppSettings = {
      ...DEFAULT_APP_SETTINGS,
      apiUrl: 'https://api.voipbin.net',
      notifications: { ...DEFAULT_APP_SETTINGS.notifications, privacy: false, quietHours: { enabled: false, start: '18:00', end: '08:00' } },
    };
    const effective = enforceLocks(user, corporate);
    expect(effective.apiUrl).toBe('https://voipbin.acme.example');
    expect(effective.notifications.privacy).toBe(true);
    expect(effective.notifications.quietHours.enabled).toBe(false);
    expect(enforceLocks(user, undefined)).toBe(user);
  });

  it('names the locked settings an edit would change', () => {
    const before = enforceLocks(provisionedDefaults(corporate), corporate);
    const after = { ...before, apiUrl: 'https://elsewhere.example', notifications: { ...before.notifications, privacy: false, customerCalls: true } };
    expect(lockedChanges(before, after, corporate)).toEqual(['apiUrl', 'notifications.privacy']);
    expect(lockedChanges(before, { ...before, autostart: false }, corporate)).toEqual([]);
  });

  it('fills topic templates for whoever signs in', () => {
    expect(expandTopicTemplates(corporate.topics!, { agentId: AGENT_ID, customerId: CUSTOMER_ID })).toEqual([
      `agent_id:${AGENT_ID}:call:call_`,
      `customer_id:${CUSTOMER_ID}:queuecall:queuecall_`,
    ]);
    // An access key has no agent: agent templates are left out rather than sent half-filled.
    expect(expandTopicTemplates(corporate.topics!, { customerId: CUSTOMER_ID })).toEqual([`customer_id:${CUSTOMER_ID}:queuecall:queuecall_`]);
  });
});
