import { credentialSecret } from '../../core/api/index.js';
import { canSeeCustomerScope } from '../../core/account/index.js';
import type { AccountView } from '../../../shared/ipc-contract.js';
import { hasCustomerScope, permissionWords } from '../../../shared/permissions.js';
import { isCustomerAdmin } from '../features/webhook.js';
import type { SignedIn } from '../session/session-manager.js';

/** Who is signed in, as the window shows it: never the token, only a hint of its last characters. */
export function accountView(a: SignedIn): AccountView {
  const secret = credentialSecret(a.credential);
  const credentialHint = `${a.credential.kind === 'jwt' ? 'agent token' : 'access key'} ••••${secret.slice(-4)}`;
  const id = a.session.identity;
  if (id?.kind === 'agent') {
    return {
      signedIn: true,
      kind: 'agent',
      displayName: id.name || id.username || id.agentId,
      username: a.username ?? (id.username || null),
      agentId: id.agentId,
      customerId: id.customerId,
      customerName: a.session.customerName ?? null,
      permissions: permissionWords(id.permission),
      customerAdmin: isCustomerAdmin(id),
      customerScope: hasCustomerScope(id.permission),
      expiresAt: id.expiresAt?.getTime() ?? null,
      expiry: a.expiryStage,
      apiUrl: a.endpoints.root,
      credentialHint,
    };
  }
  // An access key acts as customer admin; until GET /customer answers, its customer is not known yet.
  return {
    signedIn: true,
    kind: 'accesskey',
    displayName: id?.customerName ?? 'Access key',
    username: null,
    agentId: null,
    customerId: id?.customerId ?? '',
    customerName: id?.customerName ?? null,
    permissions: ['customer admin (access key)'],
    customerAdmin: true,
    customerScope: id === undefined || canSeeCustomerScope(id),
    expiresAt: id?.expiresAt?.getTime() ?? null,
    expiry: id?.expiresAt === undefined ? 'never' : a.expiryStage,
    apiUrl: a.endpoints.root,
    credentialHint,
  };
}
