import { expiringCredential, type Identity, expiryNotice, formatDuration, type ExpiryNotice } from '../../core/account/index.js';
import { oneLine } from '../../core/platform/index.js';
import { permissionWords } from '../../../shared/permissions.js';
import type { CommandOutput, Line } from './command-output.js';

/** The identity fields shared by the `login` and `whoami` lines (JSON) and their human text. */
export function identityFields(id: Identity): Record<string, unknown> {
  return id.kind === 'agent'
    ? {
        kind: 'agent',
        username: id.username,
        name: id.name,
        agent_id: id.agentId,
        customer_id: id.customerId,
        permissions: permissionWords(id.permission),
        expires_at: id.expiresAt?.toISOString() ?? null,
      }
    : {
        kind: 'accesskey',
        customer_id: id.customerId,
        customer_name: id.customerName ?? null,
        permissions: permissionWords(id.permission),
        expires_at: id.expiresAt?.toISOString() ?? null,
      };
}

export function describeIdentity(id: Identity, now = Date.now()): string[] {
  if (id.kind === 'accesskey') {
    return [
      `an access key of customer ${id.customerName !== undefined ? `${oneLine(id.customerName, 200)} (${oneLine(id.customerId, 100)})` : oneLine(id.customerId, 100)}`,
      `permissions: ${permissionWords(id.permission).join(', ')} (access keys act as customer admin, without an agent)`,
      expiryLine(id.expiresAt, now, 'expiry: unknown (the key list could not be read, or the key is not in it)'),
    ];
  }
  const name = oneLine(id.name, 200);
  const username = oneLine(id.username, 200);
  const who = name !== '' && name !== username ? `${name} (${username})` : username || oneLine(id.agentId, 100);
  const lines = [
    `agent ${who}, id ${oneLine(id.agentId, 100)}`,
    `customer ${oneLine(id.customerId, 100)}`,
    `permissions: ${permissionWords(id.permission).join(', ')}`,
  ];
  lines.push(expiryLine(id.expiresAt, now, 'expiry: unknown (the token carries no expiry date)'));
  return lines;
}

function expiryLine(expiresAt: Date | undefined, now: number, unknown: string): string {
  if (expiresAt === undefined) return unknown;
  if (expiresAt.getTime() <= now) return `expired at ${expiresAt.toISOString()}`;
  return `valid until ${expiresAt.toISOString()} (${formatDuration(expiresAt.getTime() - now)} left)`;
}

/** The `token_expiry` line; also what `run` prints as the expiry approaches. */
export function tokenExpiryLine(n: ExpiryNotice): Line {
  return {
    type: 'token_expiry',
    severity: n.severity,
    expires_at: n.expiresAt.toISOString(),
    remaining_s: Math.round(n.remainingMs / 1000),
    message: n.message,
  };
}

/** If the token is within a day of expiring, say so (as `run` would). */
export function reportExpiry(out: CommandOutput, id: Identity, now = Date.now()): void {
  if (id.expiresAt === undefined) return;
  const n = expiryNotice(id.expiresAt, now, undefined, expiringCredential(id));
  if (n !== undefined) out.notice(tokenExpiryLine(n), `${n.severity === 'warning' ? 'warning' : 'WARNING'}: ${n.message}`);
}
