import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHANNELS, CHANNEL_NAMES, isChannel } from '../../shared/ipc-contract.js';
import { BridgeError, createBridge } from '../../shared/bridge.js';
import { toIpcError } from '../../main/desktop/ipc/handlers.js';
import { isTrustedSender } from '../../main/desktop/ipc/window-trust.js';
import { NotifierError } from '../../main/core/platform/errors.js';
import { redactor } from '../../main/core/platform/redact.js';
import { checkConsoleTemplate, consoleUrlFor, isAllowedConsoleUrl, DEFAULT_CONSOLE_URL_TEMPLATE } from '../../shared/console-link.js';
import { describeTopic, topicPresets } from '../../shared/topic-labels.js';
import { decideProtection } from '../../main/desktop/session/credential-protection.js';
import { baseState } from '../support/app-state.js';

const AGENT = 'a0000000-0000-4000-8000-000000000001';
const CUSTOMER = 'c0000000-0000-4000-8000-000000000001';
const CALL = '5a1d4e3c-0b7e-4f3e-9d0a-2b8c6f1e7a90';

describe('IPC contract', () => {
  it('names and schemas are the same list', () => {
    expect(Object.keys(CHANNELS).sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(isChannel('state:get')).toBe(true);
    expect(isChannel('toString')).toBe(false);
    expect(isChannel('__proto__')).toBe(false);
  });

  it('no response schema has a field that could carry a token, password or secret in clear', () => {
    const forbidden = /^(token|password|secret|accesskey|webhook_secret|credential)$/i;
    const walk = (schema: z.ZodType, path: string): string[] => {
      const def = (
        schema as unknown as { def: { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; options?: z.ZodType[] } }
      ).def;
      if (def.type === 'object' && def.shape !== undefined) {
        return Object.entries(def.shape).flatMap(([k, v]) => [...(forbidden.test(k) ? [`${path}.${k}`] : []), ...walk(v, `${path}.${k}`)]);
      }
      if (def.type === 'array' && def.element !== undefined) return walk(def.element, `${path}[]`);
      if ((def.type === 'nullable' || def.type === 'optional') && def.innerType !== undefined) return walk(def.innerType, path);
      if (def.type === 'union' && def.options !== undefined) return def.options.flatMap((o) => walk(o, path));
      return [];
    };
    const leaks = Object.entries(CHANNELS).flatMap(([name, c]) => walk(c.response, name));
    expect(leaks).toEqual([]);
    // Sanity: the walker does find such a field when there is one.
    expect(walk(z.object({ a: z.array(z.object({ token: z.string() })) }), 'x')).toEqual(['x.a[].token']);
  });

  it('presence:set takes only a status one may set (VoIPBIN stores any string: the check is ours)', () => {
    const request = CHANNELS['presence:set'].request;
    for (const status of ['available', 'away', 'busy', 'offline']) expect(request.safeParse({ status }).success, status).toBe(true);
    for (const status of ['ringing', 'Available', 'lunch', '', 1]) expect(request.safeParse({ status }).success, String(status)).toBe(false);
    expect(request.safeParse({ status: 'away', extra: true }).success).toBe(false);
  });

  it('the AppState schema accepts what the app sends', () => {
    expect(CHANNELS['state:get'].response.safeParse(baseState()).success).toBe(true);
  });
});

describe('bridge', () => {
  it('unwraps answers, turns refusals into BridgeError with the sentence, and refuses unknown channels locally', async () => {
    const sent: unknown[] = [];
    const bridge = createBridge(
      async (channel, payload) => {
        sent.push([channel, payload]);
        return Promise.resolve(
          channel === 'account:sign-out'
            ? { ok: false, error: { code: 'network', message: 'Cannot reach VoIPBIN.' } }
            : channel === 'diagnostics:copy'
              ? 'garbage'
              : { ok: true, value: { unread: 0 } },
        );
      },
      () => () => undefined,
    );
    await expect(bridge.invoke('notifications:mark-read', {})).resolves.toEqual({ unread: 0 });
    await expect(bridge.invoke('account:sign-out')).rejects.toEqual(new BridgeError('network', 'Cannot reach VoIPBIN.'));
    await expect(bridge.invoke('diagnostics:copy')).rejects.toMatchObject({ code: 'bad_response' });
    await expect((bridge.invoke as (c: string) => Promise<unknown>)('constructor')).rejects.toMatchObject({ code: 'bad_request' });
    expect(sent).toEqual([
      ['notifications:mark-read', {}],
      ['account:sign-out', undefined],
      ['diagnostics:copy', undefined],
    ]);
  });

  it('errors cross IPC as words: typed errors keep their sentence, anything else is redacted', () => {
    redactor.add('eyJsecret-token-value');
    expect(toIpcError(new NotifierError('wrong_password', 'Wrong username or password.'))).toEqual({
      code: 'wrong_password',
      message: 'Wrong username or password.',
    });
    expect(toIpcError(new Error('boom with eyJsecret-token-value inside'))).toEqual({
      code: 'internal',
      message: 'Something went wrong: boom with [redacted] inside',
    });
    expect(toIpcError(z.object({ seq: z.number() }).safeParse({ seq: 'x' }).error)).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/^seq: /) as unknown,
    });
  });
});

describe('sender check', () => {
  const page = 'file:///opt/app/resources/app.asar/dist/renderer/index.html';
  it.each([
    [{ webContentsId: 3, frameUrl: page, isMainFrame: true }, true],
    [{ webContentsId: 3, frameUrl: `${page}#webhook`, isMainFrame: true }, true],
    [{ webContentsId: 4, frameUrl: page, isMainFrame: true }, false],
    [{ webContentsId: 3, frameUrl: page, isMainFrame: false }, false],
    [{ webContentsId: 3, frameUrl: `${page}?x=1`, isMainFrame: true }, false],
    [{ webContentsId: 3, frameUrl: 'file:///opt/app/resources/app.asar/dist/renderer/other.html', isMainFrame: true }, false],
    [{ webContentsId: 3, frameUrl: 'https://admin.voipbin.net/', isMainFrame: true }, false],
    [{ webContentsId: 3, frameUrl: 'not a url', isMainFrame: true }, false],
  ])('%o → %s', (sender, ok) => {
    expect(isTrustedSender(sender, { webContentsId: 3, pageUrl: page })).toBe(ok);
  });
});

describe('console deep links', () => {
  it('builds call and groupcall links from the default template', () => {
    expect(consoleUrlFor(DEFAULT_CONSOLE_URL_TEMPLATE, 'call', CALL)).toBe(`https://admin.voipbin.net/#/resources/calls/calls_detail/${CALL}`);
    expect(consoleUrlFor(DEFAULT_CONSOLE_URL_TEMPLATE, 'groupcall', CALL.toUpperCase())).toBe(
      `https://admin.voipbin.net/#/resources/calls/groupcalls_detail/${CALL}`,
    );
  });

  it("a contact's page sits beside the calls in the console's own route shape; a custom call page says nothing about contacts", () => {
    expect(consoleUrlFor(DEFAULT_CONSOLE_URL_TEMPLATE, 'contact', CALL.toUpperCase())).toBe(
      `https://admin.voipbin.net/#/resources/contacts/contacts_detail/${CALL}`,
    );
    expect(consoleUrlFor('https://voip.example.com/console/#/resources/calls/{type}_detail/{id}', 'contact', CALL)).toBe(
      `https://voip.example.com/console/#/resources/contacts/contacts_detail/${CALL}`,
    );
    expect(consoleUrlFor('https://crm.example.com/call/{id}', 'contact', CALL)).toBeUndefined();
    expect(consoleUrlFor(DEFAULT_CONSOLE_URL_TEMPLATE, 'contact', '../../evil')).toBeUndefined();
  });

  it('an id that is not a UUID cannot steer the link anywhere', () => {
    expect(consoleUrlFor(DEFAULT_CONSOLE_URL_TEMPLATE, 'call', '../../evil')).toBeUndefined();
    expect(consoleUrlFor('https://console.example.com/{id}', 'call', `${CALL}@evil.example`)).toBeUndefined();
  });

  it.each([
    ['https://console.example.com/calls/{id}', true],
    ['http://localhost:3000/#/calls/{id}', true],
    ['https://console.example.com/calls/', false],
    ['http://console.example.com/calls/{id}', false],
    ['javascript:alert(1)//{id}', false],
    ['file:///etc/{id}', false],
    ['https://user:pw@console.example.com/{id}', false],
    ['console.example.com/{id}', false],
  ])('template %s usable: %s', (t, ok) => {
    expect(checkConsoleTemplate(t).ok).toBe(ok);
  });

  it("only URLs on the template's own origin may be opened", () => {
    expect(isAllowedConsoleUrl(`https://admin.voipbin.net/#/x/${CALL}`, DEFAULT_CONSOLE_URL_TEMPLATE)).toBe(true);
    expect(isAllowedConsoleUrl('https://admin.voipbin.net.evil.example/', DEFAULT_CONSOLE_URL_TEMPLATE)).toBe(false);
    expect(isAllowedConsoleUrl('http://admin.voipbin.net/', DEFAULT_CONSOLE_URL_TEMPLATE)).toBe(false);
    expect(isAllowedConsoleUrl('file:///etc/passwd', DEFAULT_CONSOLE_URL_TEMPLATE)).toBe(false);
  });
});

describe('topics in words', () => {
  const agent = { kind: 'agent' as const, agentId: AGENT, customerId: CUSTOMER, permission: 0x10 };
  it('reads topics as rows', () => {
    expect(describeTopic(`agent_id:${AGENT}:call:call_`, agent)).toBe('My calls — every change');
    expect(describeTopic(`agent_id:${AGENT}:chatmessage:chatmessage_created`, agent)).toBe('My team chat — new ones');
    expect(describeTopic(`customer_id:${CUSTOMER}:conversation:conversation_message_created`, agent)).toBe('Customer conversations — new messages');
    expect(describeTopic(`customer_id:${CUSTOMER}:queuecall`, agent)).toBe('Customer queue calls — every event (delivered twice)');
    expect(describeTopic(`customer_id:${CUSTOMER}`, agent)).toBe('Customer — everything');
    expect(describeTopic('nonsense', agent)).toBe('nonsense');
  });

  it('presets say why they do not fit this sign-in', () => {
    const forAgent = topicPresets(agent);
    expect(forAgent.map((p) => [p.id, p.unavailable === undefined])).toEqual([
      ['my_calls', true],
      ['my_conversations', true],
      ['customer_sms', false],
      ['queue_calls', false],
    ]);
    expect(forAgent[2]?.unavailable).toMatch(/customer admin or customer manager permission/);
    const forKey = topicPresets({ kind: 'accesskey', customerId: CUSTOMER });
    expect(forKey.map((p) => p.unavailable === undefined)).toEqual([false, false, true, true]);
    expect(forKey[0]?.unavailable).toMatch(/access key has no agent/);
    expect(forKey[3]?.topics).toEqual([`customer_id:${CUSTOMER}:queuecall:queuecall_`]);
  });
});

describe('credential protection', () => {
  it.each([
    [{ available: true, backend: undefined, platform: 'darwin' as const }, 'keychain', false],
    [{ available: true, backend: undefined, platform: 'win32' as const }, 'keychain', false],
    [{ available: true, backend: 'kwallet6', platform: 'linux' as const }, 'keychain', false],
    [{ available: true, backend: 'basic_text', platform: 'linux' as const }, 'weak', true],
    [{ available: false, backend: undefined, platform: 'linux' as const }, 'plaintext', true],
  ])('%o → %s', (report, protection, warns) => {
    const d = decideProtection(report);
    expect(d.protection).toBe(protection);
    expect(d.warning !== undefined).toBe(warns);
    expect(d.seal).toBe(protection !== 'plaintext');
  });
});
