// The emulator's REST front door: every request is read, maybe held, delayed or reset as a test
// asked (faults a real network and server produce), handed to the routes, recorded and answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { flattenHeaders, parseUrl, readBody, sendReply } from './httpio.js';
import { requestIdFor } from './reply.js';
import { handleRest, type RestDeps } from './rest.js';
import type { RequestRecord } from './types.js';

/** Removes `item` from `list` when called: the way to stop a hold, a delay or a hook. */
function remover<T>(list: T[], item: T): () => void {
  return () => {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  };
}

export class RestFrontDoor {
  readonly requests: RequestRecord[] = [];
  readonly heldRequests: { method: string; path: string }[] = [];
  private readonly restHooks: { method: string; path: string; seen: number; fn: (n: number) => void | Promise<void> }[] = [];
  private readonly resets: { method: string; path: string; afterHandling: boolean; remaining: number }[] = [];
  private readonly held: string[] = [];
  private readonly delays: { prefix: string; ms: number }[] = [];

  constructor(private readonly deps: RestDeps) {}

  afterRest(method: string, path: string, fn: (n: number) => void | Promise<void>): () => void {
    const hook = { method, path, seen: 0, fn };
    this.restHooks.push(hook);
    return remover(this.restHooks, hook);
  }

  resetRest(method: string, path: string, opts: { afterHandling: boolean; times?: number }): void {
    this.resets.push({ method, path, afterHandling: opts.afterHandling, remaining: opts.times ?? 1 });
  }

  delayRest(pathPrefix: string, ms: number): () => void {
    const d = { prefix: pathPrefix, ms };
    this.delays.push(d);
    return remover(this.delays, d);
  }

  holdRest(pathPrefix: string): () => void {
    this.held.push(pathPrefix);
    return remover(this.held, pathPrefix);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = parseUrl(req.url);
    const requestId = requestIdFor(req.headers['x-request-id']);
    readBody(req)
      .then((body) => {
        if (this.held.some((prefix) => url.path.startsWith(prefix))) {
          this.deps.log(`rest: ${req.method ?? ''} ${url.path} held without an answer`);
          this.heldRequests.push({ method: req.method ?? '', path: url.path });
          return;
        }
        const delay = this.delays.find((d) => url.path.startsWith(d.prefix));
        if (delay === undefined) this.answer(req, res, url, body, requestId);
        else setTimeout(() => this.answer(req, res, url, body, requestId), delay.ms);
      })
      .catch((err: unknown) => this.failed(req, res, url.path, err));
  }

  private answer(req: IncomingMessage, res: ServerResponse, url: ReturnType<typeof parseUrl>, body: string, requestId: string): void {
    try {
      const reset = this.resets.find((r) => r.method === req.method && r.path === url.path && r.remaining > 0);
      if (reset !== undefined) reset.remaining--;
      if (reset !== undefined && !reset.afterHandling) {
        this.deps.log(`rest: ${req.method ?? ''} ${url.path} reset before handling`);
        req.socket.resetAndDestroy();
        return;
      }
      const reply = handleRest(this.deps, req, url, body, requestId);
      this.requests.push({
        method: req.method ?? '',
        path: url.path,
        query: url.query,
        headers: flattenHeaders(req.headers),
        body,
        status: reply.status,
      });
      this.deps.log(`rest: ${req.method ?? ''} ${url.path} → ${reply.status}`);
      const waits: Promise<void>[] = [];
      for (const h of this.restHooks) {
        if (h.method !== req.method || h.path !== url.path) continue;
        const r = h.fn(++h.seen);
        if (r instanceof Promise) waits.push(r);
      }
      if (reset !== undefined) {
        this.deps.log(`rest: ${req.method ?? ''} ${url.path} handled, connection reset instead of the reply`);
        req.socket.resetAndDestroy();
        return;
      }
      // A hook's promise holds the reply (handled already, answered late): an answer overtaken by later requests.
      if (waits.length === 0) sendReply(res, reply);
      else
        void Promise.allSettled(waits).then(() => {
          if (!res.destroyed) sendReply(res, reply);
        });
    } catch (err) {
      this.failed(req, res, url.path, err);
    }
  }

  private failed(req: IncomingMessage, res: ServerResponse, path: string, err: unknown): void {
    this.deps.log(`rest: ${req.method ?? ''} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
}
