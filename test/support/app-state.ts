import type { AppState } from '../../shared/ipc-contract.js';

/** A signed-in, connected AppState to vary one field at a time in tests. */
export type StateOverrides = Partial<Omit<AppState, 'connection'>> & { connection?: Partial<AppState['connection']> };

export function baseState(over: StateOverrides = {}): AppState {
  const { connection, ...rest } = over;
  return {
    version: '0.1.0',
    account: {
      signedIn: true,
      kind: 'agent',
      displayName: 'Alex Morgan',
      username: 'alex',
      agentId: 'a0000000-0000-4000-8000-000000000001',
      customerId: 'c0000000-0000-4000-8000-000000000001',
      customerName: null,
      permissions: ['agent'],
      customerAdmin: false,
      customerScope: false,
      expiresAt: null,
      expiry: 'ok',
      apiUrl: 'https://api.voipbin.net',
      credentialHint: 'agent token ••••abcd',
    },
    connection: {
      state: 'subscribed',
      since: 0,
      lastEventAt: null,
      reconnects: 0,
      retryAt: null,
      lastError: null,
      reason: null,
      topics: 4,
      quarantined: [],
      online: true,
      suspended: false,
      ...connection,
    },
    alert: null,
    pausedUntil: null,
    unread: 0,
    recent: [],
    ringing: [],
    replies: [],
    replyNotes: [],
    liveCall: null,
    storage: { protection: 'keychain', warning: null },
    desktop: { tray: 'available', advice: null },
    presence: { status: 'available', since: 0, changedBy: 'server', receivingQueueCalls: true },
    locked: [],
    notice: null,
    ...rest,
  };
}
