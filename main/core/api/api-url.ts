import { NotifierError } from '../platform/index.js';

/**
 * The VoIPBIN API root and the URLs derived from it. Login lives at the root (`/auth/login`),
 * REST and the WebSocket under `/v1.0` (PROTOCOL.md §6, §1.1).
 */
export const DEFAULT_API_URL = 'https://api.voipbin.net';

export interface ApiEndpoints {
  /** Normalised root, no trailing slash, e.g. https://api.voipbin.net */
  root: string;
  login: string;
  rest: string;
  websocket: string;
  isLoopback: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname.endsWith('.localhost');
}

export function resolveApiUrl(input: string | undefined): ApiEndpoints {
  const raw = (input ?? '').trim() || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NotifierError('config_invalid', `API URL "${raw}" is not a valid URL; expected something like ${DEFAULT_API_URL}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new NotifierError('config_invalid', `API URL "${raw}" must start with https:// (the WebSocket address is derived from it)`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new NotifierError('config_invalid', `API URL "${url.origin}${url.pathname}" must not carry credentials, a query or a fragment`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    throw new NotifierError(
      'config_invalid',
      `API URL ${url.origin} uses plain http: your token would cross the network unencrypted. Use https:// (plain http is allowed only for localhost).`,
    );
  }
  // People paste the REST base from the docs (…/v1.0); accept it and strip it.
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1\.0$/, '');
  const root = `${url.protocol}//${url.host}${path}`;
  const wsRoot = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}${path}`;
  return {
    root,
    login: `${root}/auth/login`,
    rest: `${root}/v1.0`,
    websocket: `${wsRoot}/v1.0/ws`,
    isLoopback: loopback,
  };
}
