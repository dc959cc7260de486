/**
 * The connection's lifecycle as one explicit state machine. Every change goes through
 * `transition`, which refuses moves the design does not allow — so "connected but not
 * subscribed" or "retrying after a 401" cannot happen by accident.
 *
 *   idle → connecting → open → subscribed
 *            ↑   ↓        ↓        ↓
 *          reconnecting ←─┴────────┘        any → stopped; stopped → connecting (start again)
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'subscribed' | 'reconnecting' | 'stopped';

const ALLOWED: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ['connecting', 'stopped'],
  connecting: ['open', 'reconnecting', 'stopped'],
  open: ['subscribed', 'reconnecting', 'stopped'],
  subscribed: ['reconnecting', 'stopped'],
  reconnecting: ['connecting', 'stopped'],
  stopped: ['connecting'],
};

export type StateDetail =
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number }
  | { state: 'open' }
  | { state: 'subscribed'; topics: readonly string[] }
  | { state: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { state: 'stopped'; reason: string; code?: string | undefined };

export interface StateChange {
  from: ConnectionState;
  to: StateDetail;
  at: number;
}

export class IllegalTransition extends Error {
  constructor(from: ConnectionState, to: ConnectionState) {
    super(`illegal connection state transition ${from} → ${to}`);
  }
}

export class ConnectionStateMachine {
  private current: StateDetail = { state: 'idle' };

  constructor(
    private readonly onChange: (change: StateChange) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): ConnectionState {
    return this.current.state;
  }

  get detail(): StateDetail {
    return this.current;
  }

  canMoveTo(to: ConnectionState): boolean {
    return ALLOWED[this.current.state].includes(to);
  }

  transition(to: StateDetail): void {
    const from = this.current.state;
    if (!ALLOWED[from].includes(to.state)) throw new IllegalTransition(from, to.state);
    this.current = to;
    this.onChange({ from, to, at: this.now() });
  }
}
