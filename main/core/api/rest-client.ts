import type { z } from 'zod';
import { AnswerTooLargeError, NotifierError, describeNetworkError, httpExchange, redirectTarget, type HttpAnswer } from '../platform/index.js';
import { apiErrorFrom } from './api-errors.js';
import type { ApiEndpoints } from './api-url.js';
import { authHeaders, type Credential } from './credentials.js';

/**
 * VoIPBIN REST over node:http/https (platform's httpExchange). No cookie jar is kept, which
 * matters: a `token` cookie would silently override the credential we send (PROTOCOL.md §1.2).
 */
export interface RestClientOptions {
  endpoints: ApiEndpoints;
  credential: Credential;
  timeoutMs?: number;
}

export class RestClient {
  readonly endpoints: ApiEndpoints;
  private readonly credential: Credential;
  private readonly timeoutMs: number;

  constructor(opts: RestClientOptions) {
    this.endpoints = opts.endpoints;
    this.credential = opts.credential;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async get<T>(path: string, schema: z.ZodType<T>, query: Record<string, string> = {}): Promise<T> {
    return this.request('GET', path, schema, undefined, query);
  }

  async put<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.request('PUT', path, schema, body);
  }

  /** Sent once, never retried here: a POST that reached the server may have done its work. */
  async post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.request('POST', path, schema, body);
  }

  /**
   * Follows `page_token` cursors until `stop` says the rest is older than we care about
   * or `maxPages` is reached (a catch-up must never turn into a crawl of the whole account).
   */
  async list<T>(path: string, itemSchema: z.ZodType<T>, opts: { pageSize?: number; maxPages?: number; stop?: (item: T) => boolean }): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    for (let page = 0; page < (opts.maxPages ?? 5); page++) {
      const query: Record<string, string> = { page_size: String(opts.pageSize ?? 100) };
      if (token !== undefined) query.page_token = token;
      const body = await this.request('GET', path, undefined, undefined, query);
      const items = readPage(body, path);
      let stopped = false;
      for (const raw of items) {
        const parsed = itemSchema.safeParse(raw);
        if (!parsed.success) continue;
        if (opts.stop?.(parsed.data) === true) {
          stopped = true;
          break;
        }
        out.push(parsed.data);
      }
      token = pageToken(body);
      if (stopped || token === undefined || token === '' || items.length === 0) break;
    }
    return out;
  }

  private async request<T>(method: string, path: string, schema: z.ZodType<T> | undefined, body: unknown, query: Record<string, string> = {}): Promise<T> {
    const url = new URL(this.endpoints.rest + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const what = requestWords(method, path);
    let res: HttpAnswer;
    try {
      res = await httpExchange({
        method,
        url,
        headers: {
          ...authHeaders(this.credential),
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.timeoutMs,
      });
    } catch (e) {
      if (e instanceof AnswerTooLargeError) throw new NotifierError('bad_response', `While ${what}, VoIPBIN's answer was too large (${e.message}).`);
      throw new NotifierError(
        'network',
        `Cannot reach VoIPBIN at ${this.endpoints.root} (${what}): ${describeNetworkError(e, this.timeoutMs)}.`,
        {},
        { cause: e },
      );
    }
    const text = res.text;
    const movedTo = redirectTarget(res, url);
    if (movedTo !== undefined) {
      throw new NotifierError(
        'network',
        `Cannot reach VoIPBIN at ${this.endpoints.root} (${what}): it redirects to ${movedTo}, and redirects are not followed because they would carry your credential along (check the API URL).`,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw apiErrorFrom(
        { status: res.status, body: text, retryAfter: res.header('retry-after'), requestId: res.header('x-request-id') },
        what,
        this.credential.kind,
      );
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new NotifierError('bad_response', `While ${what}, VoIPBIN answered with something that is not JSON.`);
    }
    if (schema === undefined) return json as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new NotifierError('bad_response', `While ${what}, VoIPBIN's answer had an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
    }
    return parsed.data;
  }
}

function readPage(body: unknown, path: string): unknown[] {
  if (body !== null && typeof body === 'object' && Array.isArray((body as { result?: unknown }).result)) {
    return (body as { result: unknown[] }).result;
  }
  throw new NotifierError('bad_response', `VoIPBIN's list of ${path} has no "result" array.`);
}

function pageToken(body: unknown): string | undefined {
  const t = (body as { next_page_token?: unknown }).next_page_token;
  return typeof t === 'string' ? t : undefined;
}

/**
 * What a request is for, in the words of the messages people read ("reading the account", not
 * "GET /customer"); a request not listed keeps its method and path.
 */
const REQUEST_WORDS: readonly [method: string, path: RegExp, words: string][] = [
  ['GET', /^\/customer$/, 'reading the account'],
  ['PUT', /^\/customer$/, 'saving the account'],
  ['GET', /^\/me$/, 'reading who you are'],
  ['GET', /^\/accesskeys$/, 'reading the access keys'],
  ['GET', /^\/service_agents\/calls$/, 'reading your calls'],
  ['GET', /^\/service_agents\/calls\/[^/]+$/, 'reading a call'],
  ['GET', /^\/calls$/, "reading the account's calls"],
  ['GET', /^\/calls\/[^/]+$/, 'reading a call'],
  ['GET', /^\/groupcalls$/, "reading the account's group calls"],
  ['GET', /^\/service_agents\/me$/, 'reading your status'],
  ['PUT', /^\/service_agents\/me\/status$/, 'setting your status'],
  ['GET', /^\/service_agents\/customer$/, "reading the customer's name"],
  ['GET', /^\/(service_agents\/)?agents$/, "reading the team's names"],
  ['GET', /^\/service_agents\/talk_chats\/[^/]+$/, 'reading a team chat'],
];

export function requestWords(method: string, path: string): string {
  return REQUEST_WORDS.find(([m, p]) => m === method && p.test(path))?.[2] ?? `${method} ${path}`;
}
