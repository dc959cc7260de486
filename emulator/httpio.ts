// Low-level HTTP helpers: reading requests the way gin/net/http does and writing replies.
import { STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpReply } from './reply.js';

export function flattenHeaders(h: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export interface ParsedUrl {
  path: string;
  params: URLSearchParams;
  query: Record<string, string>;
}

export function parseUrl(raw: string | undefined): ParsedUrl {
  const u = new URL(raw ?? '/', 'http://emulator.invalid');
  const query: Record<string, string> = {};
  // Go's c.Query returns the first value of a repeated key.
  for (const [k, v] of u.searchParams) if (!(k in query)) query[k] = v;
  return { path: u.pathname, params: u.searchParams, query };
}

/** url.QueryUnescape; gin's c.Cookie ignores its error and yields "". */
function queryUnescape(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

/** First cookie with this name across Cookie headers (net/http Request.Cookie + gin unescape). */
export function getCookie(header: string | undefined, name: string): string {
  if (header === undefined) return '';
  for (const part of header.split(';')) {
    const trimmed = part.trim();
    const eq = trimmed.indexOf('=');
    if (eq <= 0 || trimmed.slice(0, eq) !== name) continue;
    let value = trimmed.slice(eq + 1);
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return queryUnescape(value);
  }
  return '';
}

export function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendReply(res: ServerResponse, reply: HttpReply): void {
  const headers: Record<string, string | number> = { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) };
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/** Answers an upgrade request with a plain HTTP response, so clients see the status (ws 'unexpected-response'). */
export function writeRawReply(socket: Duplex, reply: HttpReply): void {
  const lines = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`];
  for (const [k, v] of Object.entries(reply.headers)) lines.push(`${k}: ${v}`);
  lines.push(`Date: ${new Date().toUTCString()}`);
  lines.push(`Content-Length: ${Buffer.byteLength(reply.body)}`);
  lines.push('Connection: close');
  if (socket.writable) socket.end(`${lines.join('\r\n')}\r\n\r\n${reply.body}`);
  else socket.destroy();
}
