import type { GuardInput } from '../features/not-receiving-guard.js';
import { stoppedWith, type ConnectionStatus } from '../session/connection-status.js';
import type { MachineConditions } from '../session/machine-conditions.js';
import type { SignedIn } from '../session/session-manager.js';

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
  };
}
