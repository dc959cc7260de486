import type { GuardInput } from '../features/not-receiving-guard.js';
import { stoppedWith, type ConnectionStatus } from '../session/connection-status.js';
import type { MachineConditions } from '../session/machine-conditions.js';
import type { SignedIn } from '../session/session-manager.js';
import { DEFAULT_WRAP_UP_MS } from '../../core/presence/index.js';

/** What the not-receiving guard judges, read from the one place each part lives. */
export function guardInput(
  signedIn: SignedIn | undefined,
  status: ConnectionStatus,
  machine: MachineConditions,
  notificationsBlocked: string | undefined,
): GuardInput {
  const detail = signedIn?.session.detail;
  return {
    signedIn: signedIn !== undefined,
    streamUp: detail?.state === 'subscribed',
    downSince: status.downSince,
    suspended: machine.suspended,
    online: machine.online,
    tokenExpired: signedIn?.expired ?? false,
    stopped: stoppedWith(detail),
    notificationsBlocked,
    notAvailable: notAvailable(signedIn),
    wrapUpMs: signedIn?.presence.watch?.wrapUpMs ?? DEFAULT_WRAP_UP_MS,
  };
}

/** Not available, counted from the later of the change and my last call's end; nothing while a call of mine goes on. */
function notAvailable(signedIn: SignedIn | undefined): GuardInput['notAvailable'] {
  const presence = signedIn?.presence;
  const known = presence?.watch?.status;
  if (presence === undefined || known === undefined || known.status === 'available' || presence.onCall) return undefined;
  return { status: known.status, since: Math.max(known.since, presence.callEndedAt ?? 0) };
}
