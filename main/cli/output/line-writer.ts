import type { Writable } from 'node:stream';

/**
 * The command's stdout, written in batches and never faster than its reader takes it.
 *  - Batches: one write per turn of the event loop (or per 64 KB) instead of one per line. A line
 *    per frame, each its own write(2), was a sixth of the command's time under a busy feed.
 *  - Back-pressure: a pipe's write() queues in memory when the reader is slow, without bound. When
 *    the stream says it is full, `congested` is told, so `run` stops reading the socket (the server
 *    then holds the frames, PROTOCOL.md §1.7), and `drained` when the reader caught up. Nothing
 *    handed to write() is ever dropped.
 */
export type FlowListener = (congested: boolean) => void;

const BATCH_BYTES = 64 * 1024;

export class LineWriter {
  private pending: string[] = [];
  private bytes = 0;
  private scheduled = false;
  private congested = false;
  private readonly listeners = new Set<FlowListener>();

  constructor(private readonly stream: Writable) {}

  write(line: string): void {
    this.pending.push(line);
    this.bytes += line.length;
    if (this.bytes >= BATCH_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Hands every waiting line to the stream now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.bytes = 0;
    if (this.stream.write(text) || this.congested) return;
    this.congested = true;
    this.tell(true);
    this.stream.once('drain', () => {
      this.congested = false;
      this.tell(false);
    });
  }

  get isCongested(): boolean {
    return this.congested;
  }

  /** Called with true when the reader fell behind and false once it caught up; returns the way to stop. */
  onFlow(fn: FlowListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Everything written has left the process, or `timeoutMs` passed (a reader that never reads must not keep us alive). */
  async settled(timeoutMs: number): Promise<void> {
    this.flush();
    if (this.stream.writableLength === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.stream.once('drain', done);
      this.stream.once('error', done);
    });
  }

  private tell(congested: boolean): void {
    for (const fn of this.listeners) fn(congested);
  }
}
