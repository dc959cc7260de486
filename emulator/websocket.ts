// The WebSocket endpoint (PROTOCOL.md §1): upgrade through the /v1.0 gate, the
// subscribe/unsubscribe protocol, keepalive, fan-out and abrupt closes.
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import type { AuthIdentity } from './auth.js';
import type { GateDeps } from './gate.js';
import { runV1Gate } from './gate.js';
import type { Faults } from './faults.js';
import { flattenHeaders, parseUrl, writeRawReply } from './httpio.js';
import type { HttpReply } from './reply.js';
import { injectedFailureReply, notFoundReply, requestIdFor, textReply } from './reply.js';
import { firstInvalidTopic, matchesAny } from './topics.js';
import type { ConnectionInfo, UpgradeRecord } from './types.js';

/** Both routes run the same handler (§1.1); exact paths only. */
export const WS_PATHS = new Set(['/v1.0/ws', '/v1.0/service_agents/ws']);

export interface HubDeps extends GateDeps {
  pingIntervalMs: number;
  pongWaitMs: number;
  faults: Faults;
  upgrades: UpgradeRecord[];
  clientMessages: { connId: string; text: string }[];
  droppedForInvalidTopic: { connId: string; topic: string }[];
}

interface Conn {
  id: string;
  ws: WebSocket;
  socket: Duplex;
  identity: AuthIdentity;
  subs: Set<string>;
  closed: boolean;
  silent: boolean;
  pingTimer: NodeJS.Timeout | undefined;
  deadline: NodeJS.Timeout | undefined;
}

interface Hook {
  type: string;
  topics: string[];
}

/**
 * Decodes a client message like Go's json.Unmarshal into hook.Hook{Type, Topics}
 * (§1.3): keys match case-insensitively, null leaves a field empty, and any type
 * mismatch is an error (the server logs and ignores the message).
 */
export function decodeHook(text: string): Hook | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (v === null) return { type: '', topics: [] };
  if (typeof v !== 'object' || Array.isArray(v)) return null;
  const hook: Hook = { type: '', topics: [] };
  for (const [key, val] of Object.entries(v as Record<string, unknown>)) {
    const k = key.toLowerCase();
    if (k === 'type') {
      if (val === null) continue;
      if (typeof val !== 'string') return null;
      hook.type = val;
    } else if (k === 'topics') {
      if (val === null) {
        hook.topics = [];
        continue;
      }
      if (!Array.isArray(val)) return null;
      const topics: string[] = [];
      for (const t of val as unknown[]) {
        if (t === null) topics.push('');
        else if (typeof t === 'string') topics.push(t);
        else return null;
      }
      hook.topics = topics;
    }
  }
  return hook;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** gorilla Upgrader checks, answered with its plain-text 400s. */
function handshakeProblem(req: IncomingMessage): HttpReply | null {
  const tokens = (h: string | string[] | undefined): string[] => (Array.isArray(h) ? h.join(',') : (h ?? '')).split(',').map((t) => t.trim().toLowerCase());
  if (!tokens(req.headers.connection).includes('upgrade')) {
    return textReply(400, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header\n");
  }
  if (!tokens(req.headers.upgrade).includes('websocket')) {
    return textReply(400, "websocket: the client is not using the websocket protocol: 'websocket' token not found in 'Upgrade' header\n");
  }
  if (req.headers['sec-websocket-version'] !== '13') {
    return textReply(400, "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header\n", {
      'Sec-Websocket-Version': '13',
    });
  }
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !/^[+/0-9A-Za-z]{22}==$/.test(key)) {
    return textReply(400, "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length\n");
  }
  return null;
}

export class WsHub {
  private readonly wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    // gorilla neither validates UTF-8 nor limits message size (§1.1), and selects no subprotocol.
    skipUTF8Validation: true,
    maxPayload: 0,
    handleProtocols: () => false,
  });
  private readonly live = new Set<Conn>();
  private readonly all: Conn[] = [];
  private seq = 0;

  constructor(private readonly deps: HubDeps) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.deps.log(`ws: socket error during upgrade: ${err.message}`));
    const url = parseUrl(req.url);
    const record: UpgradeRecord = { path: url.path, query: url.query, headers: flattenHeaders(req.headers), status: 0, at: new Date() };
    this.deps.upgrades.push(record);
    const requestId = requestIdFor(req.headers['x-request-id']);
    const refuse = (reply: HttpReply, why: string): void => {
      record.status = reply.status;
      this.deps.log(`ws: upgrade ${url.path} refused ${reply.status} (${why})`);
      writeRawReply(socket, reply);
    };

    const injected = this.deps.faults.takeUpgradeFailure();
    if (injected !== undefined) {
      refuse(injectedFailureReply(injected.status, requestId, 'retryAfterSec' in injected ? injected.retryAfterSec : undefined), 'injected');
      return;
    }
    // gin routes GET only; other methods and paths fall to NoRoute.
    if (req.method !== 'GET' || !WS_PATHS.has(url.path)) {
      if (req.method === 'GET' && url.path.endsWith('/') && WS_PATHS.has(url.path.slice(0, -1))) {
        // gin's trailing-slash redirect, which breaks handshakes (§1.1).
        refuse({ status: 301, headers: { Location: url.path.slice(0, -1) }, body: '' }, 'trailing slash');
      } else {
        refuse(notFoundReply(requestId), 'no route');
      }
      return;
    }
    const gate = runV1Gate(this.deps, req, url.params, requestId);
    if (!gate.ok) {
      refuse(gate.reply, 'middleware');
      return;
    }
    const problem = handshakeProblem(req);
    if (problem !== null) {
      refuse(problem, 'bad handshake');
      return;
    }
    record.status = 101;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, socket, gate.identity));
  }

  private attach(ws: WebSocket, socket: Duplex, identity: AuthIdentity): void {
    const conn: Conn = {
      id: `conn-${++this.seq}`,
      ws,
      socket,
      identity,
      subs: new Set(),
      closed: false,
      silent: false,
      pingTimer: undefined,
      deadline: undefined,
    };
    this.live.add(conn);
    this.all.push(conn);
    this.deps.log(`ws: ${conn.id} open (${identity.kind} customer=${identity.customerId}${identity.agentId ? ` agent=${identity.agentId}` : ''})`);

    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('pong', () => this.armDeadline(conn));
    ws.on('close', () => this.onClose(conn));
    ws.on('error', (err) => this.deps.log(`ws: ${conn.id} error: ${err.message}`));

    // Empty-payload pings every pingPeriod (§1.5).
    conn.pingTimer = setInterval(() => {
      if (!conn.silent && ws.readyState === WebSocket.OPEN) ws.ping();
    }, this.deps.pingIntervalMs);
    this.armDeadline(conn);
  }

  /** Read deadline: set at start and reset only by pongs (§1.5). */
  private armDeadline(conn: Conn): void {
    if (conn.closed || conn.silent) return;
    if (conn.deadline !== undefined) clearTimeout(conn.deadline);
    conn.deadline = setTimeout(() => this.kill(conn, `no pong for ${this.deps.pongWaitMs} ms`), this.deps.pongWaitMs);
  }

  /**
   * Runs synchronously inside ws's frame parser, so a kill here happens before any
   * later frame (e.g. a ping) is answered — the same order as gorilla's sequential reads.
   */
  private onMessage(conn: Conn, data: RawData, isBinary: boolean): void {
    if (conn.closed || conn.silent) return;
    if (isBinary) {
      this.kill(conn, 'binary frame');
      return;
    }
    const text = toBuffer(data).toString('utf8');
    this.deps.clientMessages.push({ connId: conn.id, text });
    const hook = decodeHook(text);
    if (hook === null) {
      this.deps.log(`ws: ${conn.id} ignored undecodable message`);
      return;
    }
    const bad = firstInvalidTopic(conn.identity, hook.topics);
    if (bad !== null) {
      this.deps.droppedForInvalidTopic.push({ connId: conn.id, topic: bad });
      this.kill(conn, `invalid topic ${JSON.stringify(bad)}`);
      return;
    }
    if (hook.type === 'subscribe') for (const t of hook.topics) conn.subs.add(t);
    else if (hook.type === 'unsubscribe') for (const t of hook.topics) conn.subs.delete(t);
    else this.deps.log(`ws: ${conn.id} ignored message type ${JSON.stringify(hook.type)}`);
  }

  /** Every server-side close is a TCP close without a close frame (§1.6). */
  private kill(conn: Conn, why: string): void {
    if (conn.closed) return;
    this.deps.log(`ws: ${conn.id} destroyed: ${why}`);
    // Flag it now: the server considers it gone before the socket's close event arrives.
    conn.closed = true;
    this.live.delete(conn);
    this.stopTimers(conn);
    conn.ws.terminate();
    conn.socket.destroy();
  }

  private stopTimers(conn: Conn): void {
    if (conn.pingTimer !== undefined) clearInterval(conn.pingTimer);
    if (conn.deadline !== undefined) clearTimeout(conn.deadline);
    conn.pingTimer = undefined;
    conn.deadline = undefined;
  }

  private onClose(conn: Conn): void {
    if (!conn.closed) this.deps.log(`ws: ${conn.id} closed by peer`);
    conn.closed = true;
    this.stopTimers(conn);
    this.live.delete(conn);
  }

  private writable(conn: Conn): boolean {
    return !conn.closed && !conn.silent && conn.ws.readyState === WebSocket.OPEN;
  }

  /** Writes `frame` once per topic to every connection with a matching prefix; returns frames written. */
  deliver(topics: readonly string[], frame: string): number {
    let written = 0;
    for (const topic of topics) {
      for (const conn of this.live) {
        if (this.writable(conn) && matchesAny(conn.subs, topic)) {
          conn.ws.send(frame);
          written++;
        }
      }
    }
    return written;
  }

  sendRaw(data: string | Buffer, opts: { binary?: boolean; connId?: string } = {}): void {
    for (const conn of this.live) {
      if (opts.connId !== undefined && conn.id !== opts.connId) continue;
      if (this.writable(conn)) conn.ws.send(data, { binary: opts.binary ?? false });
    }
  }

  dropAll(): void {
    for (const conn of [...this.live]) this.kill(conn, 'dropAll');
  }

  /** Like dropAll, but with a TCP RST (a crashed host, a NAT table flush): the client sees ECONNRESET. */
  resetAll(): void {
    for (const conn of [...this.live]) {
      conn.closed = true;
      this.live.delete(conn);
      this.stopTimers(conn);
      this.deps.log(`ws: ${conn.id} reset`);
      if (conn.socket instanceof Socket) conn.socket.resetAndDestroy();
      else conn.socket.destroy();
    }
  }

  /**
   * Benchmark fast path: chunks of pre-encoded text frames (see encodeTextFrames) written straight
   * to the TCP socket, so a benchmark measures the client rather than ws's per-frame send. Each
   * chunk holds whole frames, so the hub's own pings can only fall between frames. Resolves when
   * the kernel has taken every chunk (backpressure honoured); rejects if the connection goes away.
   */
  async writeEncoded(chunks: readonly Buffer[], connId?: string): Promise<void> {
    const targets = [...this.live].filter((c) => (connId === undefined || c.id === connId) && this.writable(c));
    await Promise.all(
      targets.map(async (conn) => {
        const socket = conn.socket;
        for (const chunk of chunks) {
          if (conn.closed) throw new Error(`emulator: ${conn.id} closed during writeEncoded`);
          if (!socket.write(chunk)) {
            await new Promise<void>((resolve, reject) => {
              const onDrain = (): void => {
                socket.off('close', onClose);
                resolve();
              };
              const onClose = (): void => {
                socket.off('drain', onDrain);
                reject(new Error(`emulator: ${conn.id} closed during writeEncoded`));
              };
              socket.once('drain', onDrain);
              socket.once('close', onClose);
            });
          }
        }
      }),
    );
  }

  /** Half-open: no pings, no frames, no reads; the TCP socket stays up. */
  goSilent(): void {
    for (const conn of this.live) {
      conn.silent = true;
      this.stopTimers(conn);
      conn.socket.pause();
    }
    this.deps.log(`ws: ${this.live.size} connection(s) went silent`);
  }

  connections(): ConnectionInfo[] {
    return this.all.map((c) => ({
      id: c.id,
      identity: {
        kind: c.identity.kind,
        ...(c.identity.agentId !== undefined ? { agentId: c.identity.agentId } : {}),
        customerId: c.identity.customerId,
        permission: c.identity.permission,
      },
      topics: [...c.subs],
      closed: c.closed,
    }));
  }

  close(): void {
    for (const conn of [...this.live]) this.kill(conn, 'shutdown');
    this.wss.close();
  }
}

/**
 * Server-to-client text frames (unmasked, FIN, opcode 1) for writeEncoded, grouped into chunks of
 * about `chunkBytes` that each end on a frame boundary.
 */
export function encodeTextFrames(frames: readonly string[], chunkBytes = 256 * 1024): Buffer[] {
  const chunks: Buffer[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  for (const text of frames) {
    const payload = Buffer.from(text, 'utf8');
    const n = payload.length;
    const header = n < 126 ? Buffer.from([0x81, n]) : n < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (n >= 126 && n < 65_536) {
      header[0] = 0x81;
      header[1] = 126;
      header.writeUInt16BE(n, 2);
    } else if (n >= 65_536) {
      header[0] = 0x81;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(n), 2);
    }
    parts.push(header, payload);
    size += header.length + n;
    if (size >= chunkBytes) {
      chunks.push(Buffer.concat(parts, size));
      parts = [];
      size = 0;
    }
  }
  if (size > 0) chunks.push(Buffer.concat(parts, size));
  return chunks;
}
