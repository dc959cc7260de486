import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook endpoint on loopback that records every request exactly as received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Raw bytes, for signature checks. */
  body: Buffer;
}

export type Responder = (req: ReceivedRequest, res: ServerResponse) => void;

export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  respond: Responder = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  };
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();

  private constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body: Buffer.concat(chunks) };
        this.received.push(r);
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        this.respond(r, res);
      });
    });
  }

  /** `host`: 127.0.0.1, or an address of this machine that the URL policy counts as public (test/support/public-address.ts). */
  static async start(host = '127.0.0.1'): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await new Promise<void>((resolve) => r.server.listen(0, host, resolve));
    return r;
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
