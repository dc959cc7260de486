/**
 * Why a connection failed, in words a person can act on. The socket's error may come directly
 * (node:http, ws, net) or wrapped — in a `cause`, or an AggregateError of one attempt per address
 * (happy eyeballs). Either way the errno or TLS code is named, because it is what a support
 * engineer searches for.
 */

interface Found {
  code: string | undefined;
  message: string;
  host?: string | undefined;
}

/** TLS verification codes (OpenSSL's, as Node reports them) and what they mean for the user. */
const CERTIFICATE_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server presents a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate chain ends in a self-signed certificate that is not trusted here",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate was issued by an authority not trusted here",
  UNABLE_TO_GET_ISSUER_CERT: "the server's certificate issuer is unknown",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate cannot be verified (its chain is incomplete)",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet (is this computer's clock right?)",
  CERT_REVOKED: "the server's certificate has been revoked",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate is for another host name",
};

const SOCKET_PROBLEMS: Readonly<Record<string, (f: Found) => string>> = {
  ECONNREFUSED: () => 'the connection was refused (nothing is listening there)',
  ENOTFOUND: (f) => `the host name${f.host !== undefined ? ` ${f.host}` : ''} was not found (check the API URL, or the network's DNS)`,
  EAI_AGAIN: (f) => `the host name${f.host !== undefined ? ` ${f.host}` : ''} could not be looked up right now (DNS is not answering)`,
  ETIMEDOUT: () => 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: () => 'the connection timed out',
  ECONNRESET: () => 'the connection was reset',
  EHOSTUNREACH: () => 'the host is unreachable from this network',
  ENETUNREACH: () => 'the network is unreachable (is this computer online?)',
  UND_ERR_SOCKET: () => 'the connection closed unexpectedly',
  EPROTO: () => 'the TLS handshake failed (is the API URL http:// where it should be https://, or the other way round?)',
  ERR_SSL_WRONG_VERSION_NUMBER: () => 'the TLS handshake failed (is the API URL https:// for a server that speaks plain http?)',
};

/** Addresses of a family this machine has no route for: the other attempts say more. */
const NO_ROUTE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT']);

/**
 * One attempt per address (IPv6 and IPv4): an IPv6 address without a route says "unreachable"
 * while the IPv4 attempt says what is really wrong, so that one is told.
 */
function mostTelling(errors: unknown[], depth: number): Found | undefined {
  const found = errors.map((e) => innermost(e, depth)).filter((f): f is Found => f !== undefined);
  return found.find((f) => f.code !== undefined && !NO_ROUTE.has(f.code)) ?? found[0];
}

/** The innermost error that says something: through `cause` and AggregateError's `errors`. */
function innermost(e: unknown, depth = 0): Found | undefined {
  if (depth > 5 || e === null || typeof e !== 'object') return undefined;
  const err = e as { code?: unknown; message?: unknown; hostname?: unknown; cause?: unknown; errors?: unknown; name?: unknown };
  const inner = innermost(err.cause, depth + 1) ?? (Array.isArray(err.errors) ? mostTelling(err.errors as unknown[], depth + 1) : undefined);
  if (inner !== undefined) return inner;
  const code = typeof err.code === 'string' ? err.code : typeof err.name === 'string' && err.name === 'TimeoutError' ? 'TimeoutError' : undefined;
  const message = typeof err.message === 'string' ? err.message : 'unknown failure';
  return { code, message, host: typeof err.hostname === 'string' ? err.hostname : undefined };
}

/**
 * "the connection was refused (nothing is listening there) (ECONNREFUSED)", "the server presents
 * a self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)…": never a bare "fetch failed".
 */
export function describeNetworkError(e: unknown, timeoutMs?: number): string {
  const found = innermost(e);
  if (found === undefined) return String(e);
  const { code } = found;
  if (code === 'TimeoutError') return `no answer within ${timeoutMs !== undefined ? `${Math.round(timeoutMs / 1000)} s` : 'the time allowed'}`;
  if (code !== undefined && code in CERTIFICATE_PROBLEMS) {
    return `${CERTIFICATE_PROBLEMS[code]} (${code}). If your VoIPBIN uses a private certificate authority, give its certificate in NODE_EXTRA_CA_CERTS`;
  }
  // OpenSSL reports a plain-http answer to a TLS hello as EPROTO "…wrong version number".
  const problem = code === 'EPROTO' && /wrong version number/i.test(found.message) ? 'ERR_SSL_WRONG_VERSION_NUMBER' : code;
  const socket = problem === undefined ? undefined : SOCKET_PROBLEMS[problem];
  if (socket !== undefined && code !== undefined) return `${socket(found)} (${code})`;
  return code !== undefined && !found.message.includes(code) ? `${found.message} (${code})` : found.message;
}
