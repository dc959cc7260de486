import { describe, expect, it } from 'vitest';
import { ConnectionStateMachine, IllegalTransition, type StateChange } from '../../main/core/stream/connection-state.js';

describe('connection state machine', () => {
  it('walks the designed lifecycle and reports every change', () => {
    const changes: StateChange[] = [];
    const m = new ConnectionStateMachine(
      (c) => changes.push(c),
      () => 42,
    );
    m.transition({ state: 'connecting', attempt: 1 });
    m.transition({ state: 'open' });
    m.transition({ state: 'subscribed', topics: ['t'] });
    m.transition({ state: 'reconnecting', attempt: 1, delayMs: 10, reason: 'lost' });
    m.transition({ state: 'connecting', attempt: 2 });
    m.transition({ state: 'stopped', reason: 'bye' });
    m.transition({ state: 'connecting', attempt: 1 });
    expect(changes.map((c) => `${c.from}>${c.to.state}`)).toEqual([
      'idle>connecting',
      'connecting>open',
      'open>subscribed',
      'subscribed>reconnecting',
      'reconnecting>connecting',
      'connecting>stopped',
      'stopped>connecting',
    ]);
    expect(changes[0]!.at).toBe(42);
  });
  it.each([
    ['idle', 'subscribed'],
    ['idle', 'open'],
    ['connecting', 'subscribed'],
    ['reconnecting', 'open'],
  ] as const)('refuses %s → %s', (from, to) => {
    const m = new ConnectionStateMachine(() => undefined);
    const path: Record<string, () => void> = {
      idle: () => undefined,
      connecting: () => m.transition({ state: 'connecting', attempt: 1 }),
      reconnecting: () => {
        m.transition({ state: 'connecting', attempt: 1 });
        m.transition({ state: 'reconnecting', attempt: 1, delayMs: 1, reason: 'x' });
      },
    };
    path[from]!();
    expect(m.canMoveTo(to)).toBe(false);
    const detail = to === 'subscribed' ? { state: to, topics: [] } : { state: to };
    expect(() => m.transition(detail as never)).toThrow(IllegalTransition);
  });
});
