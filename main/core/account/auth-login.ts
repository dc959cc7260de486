import { z } from 'zod';
import { type ApiEndpoints, apiErrorFrom, parseRetryAfter, parseCredential } from '../api/index.js';
import {
  AnswerTooLargeError,
  ApiError,
  NotifierError,
  describeNetworkError,
  httpExchange,
  redactor,
  redirectTarget,
  type HttpAnswer,
} from '../platform/index.js';
import { decodeAgentToken, type AgentIdentity } from './identity.js';

/**
 * Username/password sign-in: `POST <root>/auth/login` — at the API root, not under /v1.0
 * (PROTOCOL.md §6). The server answers every failure (wrong password, unknown user, bad body)
 * with a bare 400 and an empty body — and so does an outage of the customer manager that checks
 * the password (it fails closed, PROTOCOL.md §11.1) — so a 400 says both; everything else (403
 * for a blocked account, 429, 5xx, network) must read differently so nobody retypes a good password.
 */
export interface LoginResult {
  username: string;
  token: string;
  identity: AgentIdentity;
}

export interface LoginOptions {
  timeoutMs?: number;
}

const LoginReplySchema = z.object({ username: z.string().optional(), token: z.string().min(1) });

export async function login(endpoints: ApiEndpoints, username: string, password: string, opts: LoginOptions = {}): Promise<LoginResult> {
  redactor.add(password);
  const user = username.trim();
  if (user === '') throw new NotifierError('bad_usage', 'The username is empty.');
  if (password === '') throw new NotifierError('bad_usage', 'The password is empty (it is read from standard input).');

  const url = new URL(endpoints.login);
  const timeoutMs = opts.timeoutMs ?? 15_000;
  let res: HttpAnswer;
  try {
    res = await httpExchange({
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username: user, password }),
      timeoutMs,
    });
  } catch (e) {
    if (e instanceof AnswerTooLargeError) throw new NotifierError('bad_response', `VoIPBIN's answer to the sign-in was too large (${e.message}).`);
    throw new NotifierError('network', `Cannot reach VoIPBIN at ${endpoints.root} to sign in: ${describeNetworkError(e, timeoutMs)}.`, {}, { cause: e });
  }
  // A redirect would replay the password to wherever it points: never followed.
  const movedTo = redirectTarget(res, url);
  if (movedTo !== undefined) {
    throw new NotifierError(
      'network',
      `Cannot sign in at ${endpoints.root}: it redirects to ${movedTo}, and a redirect is not followed with a password (check the API URL).`,
    );
  }
  const text = res.text;
  const requestId = res.header('x-request-id') ?? undefined;
  if (res.status < 200 || res.status >= 300) throw loginFailure(res.status, text, res.header('retry-after'), requestId);

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new NotifierError('bad_response', `VoIPBIN answered the sign-in with something that is not JSON (is ${endpoints.root} a VoIPBIN API?).`);
  }
  const parsed = LoginReplySchema.safeParse(body);
  if (!parsed.success) throw new NotifierError('bad_response', 'VoIPBIN accepted the sign-in but sent no token.');
  const credential = parseCredential(parsed.data.token, 'token');
  if (credential.kind !== 'jwt') throw new NotifierError('bad_response', 'VoIPBIN accepted the sign-in but the token is not an agent token.');
  return { username: parsed.data.username ?? user, token: credential.token, identity: decodeAgentToken(credential.token) };
}

function loginFailure(status: number, body: string, retryAfter: string | null, requestId: string | undefined): ApiError {
  const make = (code: ConstructorParameters<typeof ApiError>[0], msg: string, retryMs?: number): ApiError =>
    new ApiError(code, msg, status, undefined, undefined, retryMs, requestId);
  if (status === 400)
    return make('wrong_password', 'Wrong username or password, or VoIPBIN could not check them just now (if you are sure of them, try again in a minute).');
  if (status === 429) {
    const ms = parseRetryAfter(retryAfter);
    return make(
      'rate_limited',
      `Too many sign-in attempts from this address; wait ${ms === undefined ? 'a little' : `${Math.ceil(ms / 1000)} s`} and try again.`,
      ms,
    );
  }
  if (status >= 500) return make('server_error', `VoIPBIN had a server error (${status}) during sign-in; try again in a moment.`);
  return apiErrorFrom({ status, body, retryAfter, requestId }, 'sign-in');
}
