import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { type ApiEndpoints, authHeaders, type Credential } from '../api/index.js';
import type { NotifierError } from '../platform/index.js';

/**
 * One socket of the event stream and what is known about it. The stream (event-stream.ts) makes a
 * new one for every attempt, so nothing learnt on a dead socket leaks into the next.
 */
export interface Connection {
  readonly seq: number;
  readonly ws: WebSocket;
  /** 'bulk': all topics in one message; 'probe': one topic per round trip, to find a rejected one. */
  readonly mode: 'bulk' | 'probe';
  /** Topics the server has confirmed on this connection. */
  readonly confirmed: string[];
  /** Topics sent in the bulk subscribe awaiting its ack. */
  requested: string[];
  /** Topic whose subscribe is in flight (probe mode) or undefined. */
  pending: string | undefined;
  failure: NotifierError | undefined;
  lastActivity: number;
  ackTimer: NodeJS.Timeout | undefined;
  healthyTimer: NodeJS.Timeout | undefined;
  subscribed: boolean;
}

export interface SocketOptions {
  endpoints: ApiEndpoints;
  credential: Credential;
  handshakeTimeoutMs: number;
}

export function openConnection(seq: number, mode: Connection['mode'], o: SocketOptions): Connection {
  const ws = new WebSocket(o.endpoints.websocket, {
    headers: authHeaders(o.credential),
    handshakeTimeout: o.handshakeTimeoutMs,
    // The server sets no read limit (PROTOCOL.md §1.1); this only protects our memory.
    maxPayload: 64 * 1024 * 1024,
    perMessageDeflate: false,
    followRedirects: false,
  });
  return {
    seq,
    ws,
    mode,
    confirmed: [],
    requested: [],
    pending: undefined,
    failure: undefined,
    lastActivity: performance.now(),
    ackTimer: undefined,
    healthyTimer: undefined,
    subscribed: false,
  };
}

/**
 * The subscription ack: VoIPBIN reads client frames strictly in order and answers pings from the
 * same read loop, so a ping sent after `subscribe` is ponged only if the subscribe was accepted.
 * The payload names the connection, so a late pong from an old socket is never taken for this one's.
 */
const ACK_PREFIX = 'vbn-ack:';

export function ackPayload(conn: Connection, tag: string): string {
  return `${ACK_PREFIX}${conn.seq}:${tag}`;
}

/** The tag of this connection's ack, or undefined for any other pong. */
export function readAck(conn: Connection, payload: string): string | undefined {
  const prefix = `${ACK_PREFIX}${conn.seq}:`;
  return payload.startsWith(prefix) ? payload.slice(prefix.length) : undefined;
}

export function sendTopics(conn: Connection, type: 'subscribe' | 'unsubscribe', topics: string[]): void {
  conn.ws.send(JSON.stringify({ type, topics }));
}

/** Brings a subscribed connection to the wanted topics without reconnecting. */
export function applyTopicChanges(c: Connection, wanted: readonly string[]): void {
  if (c.ws.readyState !== WebSocket.OPEN) return;
  const removed = c.confirmed.filter((t) => !wanted.includes(t));
  const added = wanted.filter((t) => !c.confirmed.includes(t));
  if (removed.length > 0) {
    sendTopics(c, 'unsubscribe', removed);
    for (const t of removed) c.confirmed.splice(c.confirmed.indexOf(t), 1);
  }
  if (added.length > 0) {
    // Added topics were validated by the caller; should the server still refuse one, the
    // socket drops and the next connection's probe finds and quarantines it.
    sendTopics(c, 'subscribe', added);
    c.confirmed.push(...added);
  }
}

/** Closes politely when it can (the server sends no close frames of its own), and for sure a second later. */
export function closeConnection(c: Connection): void {
  clearTimeout(c.ackTimer);
  clearTimeout(c.healthyTimer);
  if (c.ws.readyState === WebSocket.OPEN) {
    c.ws.close(1000);
    setTimeout(() => c.ws.terminate(), 1_000).unref();
  } else {
    c.ws.terminate();
  }
}
