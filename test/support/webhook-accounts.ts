import type { CustomerRecord, VoipbinEmulator } from '../../emulator/index.js';
import { runCli } from './cli-process.js';

/** A customer whose fields are easy to damage: unicode, quotes, newlines, edge whitespace. */
export function fullCustomer(emu: VoipbinEmulator, over: Partial<CustomerRecord> = {}): CustomerRecord {
  return emu.addCustomer({
    name: '  Ünïcødé Support — "Acme" GmbH ',
    detail: 'line one\nline two\ttabbed \\ backslash',
    email: 'ops+voipbin@acme.example',
    phone_number: '+15550001111',
    address: 'Straße 1, 10115 Berlin',
    webhook_method: 'PUT',
    webhook_uri: 'https://old.example.com/hook',
    ...over,
  });
}

export function agentToken(emu: VoipbinEmulator, customerId: string, permission: number): string {
  const agent = emu.addAgent({ customerId, username: `u${Math.random()}`, password: 'pw-pw-pw-pw', name: 'Ann', permission });
  return emu.issueJwt(agent.id);
}

/** `voipbin-notifier webhook …` against the emulator with this credential. */
export function webhookCli(emu: VoipbinEmulator, args: string[], credential: string, extraEnv: Record<string, string> = {}): ReturnType<typeof runCli> {
  return runCli(['webhook', ...args, '--api-url', emu.url], { VOIPBIN_TOKEN: credential, ...extraEnv });
}

export const putBodies = (emu: VoipbinEmulator): string[] => emu.requests.filter((q) => q.method === 'PUT').map((q) => q.body);
