import { TypedEmitter, describeError, type Clock, type Logger } from '../platform/index.js';
import { TranscriptFollower, type TranscriptHeard } from '../transcripts/index.js';
import type { NotifierSession } from './notifier-session.js';

/**
 * A session's live transcripts (core/transcripts), opt-in: transcripts are sensitive. The follower
 * is made once the identity is known (it decides between frames and polling) and fed every event
 * the session accepts.
 */
export interface SessionTranscriptsOptions {
  logger: Logger;
  onlyCall?: string | undefined;
  pollMs?: number | undefined;
  clock?: Clock | undefined;
}

export interface SessionTranscriptsEvents {
  transcript: TranscriptHeard;
}

export class SessionTranscripts extends TypedEmitter<SessionTranscriptsEvents> {
  private followerRef: TranscriptFollower | undefined;
  private readonly offs: (() => void)[] = [];

  constructor(session: NotifierSession, o: SessionTranscriptsOptions) {
    super((e) => o.logger.error('transcript consumer failed', { error: describeError(e) }));
    this.offs.push(
      session.on('identity', (identity) => {
        if (this.followerRef !== undefined) return;
        const f = new TranscriptFollower({ rest: session.rest, identity, logger: o.logger, onlyCall: o.onlyCall, pollMs: o.pollMs, clock: o.clock });
        f.on('transcript', (t) => this.emit('transcript', t));
        this.followerRef = f;
      }),
      session.on('event', (e) => this.followerRef?.handle(e)),
      session.on('subscribed', () => this.followerRef?.resume()),
    );
  }

  get follower(): TranscriptFollower | undefined {
    return this.followerRef;
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.followerRef?.dispose();
  }
}
