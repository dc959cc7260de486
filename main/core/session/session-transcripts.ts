import type { Identity } from '../account/index.js';
import { TypedEmitter, describeError, type Clock, type Logger } from '../platform/index.js';
import { TranscriptFollower, type MyCall, type TranscribeRef, type TranscriptHeard } from '../transcripts/index.js';
import type { NotifierSession } from './notifier-session.js';

/**
 * A session's live transcripts (core/transcripts), opt-in: transcripts are sensitive. The follower
 * is made once the identity is known (it decides between frames and polling) and while enabled,
 * and fed every event the session accepts — live, and what a catch-up recovered after a gap — and
 * the calls a catch-up found gone from the server (a call of mine that ended while offline must
 * end here too, or its poll would go on); turned off, it is released (no poll goes on).
 */
export interface SessionTranscriptsOptions {
  logger: Logger;
  onlyCall?: string | undefined;
  pollMs?: number | undefined;
  clock?: Clock | undefined;
  /** Off: nothing is followed until setEnabled(true) (the desktop's setting). On by default. */
  enabled?: boolean | undefined;
}

export interface SessionTranscriptsEvents {
  transcript: TranscriptHeard;
  /** A call of mine was answered or ended (the desktop shows its transcript). */
  call: MyCall;
  /** A transcribe of a call of mine became known (the call window shows from then). */
  transcribe: TranscribeRef;
}

export class SessionTranscripts extends TypedEmitter<SessionTranscriptsEvents> {
  private followerRef: TranscriptFollower | undefined;
  private identity: Identity | undefined;
  private enabled: boolean;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly session: NotifierSession,
    private readonly o: SessionTranscriptsOptions,
  ) {
    super((e) => o.logger.error('transcript consumer failed', { error: describeError(e) }));
    this.enabled = o.enabled ?? true;
    this.offs.push(
      session.on('identity', (identity) => {
        this.identity ??= identity;
        this.follow();
      }),
      session.on('event', (e) => this.followerRef?.handle(e)),
      session.on('catchup', (r) => this.followerRef?.catchup(r)),
      session.on('subscribed', () => this.followerRef?.resume()),
    );
  }

  get follower(): TranscriptFollower | undefined {
    return this.followerRef;
  }

  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    if (!on) {
      this.followerRef?.dispose();
      this.followerRef = undefined;
      return;
    }
    this.follow();
    // Calls already in progress are found as at a (re)subscribe.
    if (this.session.detail.state === 'subscribed') this.followerRef?.resume();
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.followerRef?.dispose();
    this.followerRef = undefined;
  }

  private follow(): void {
    const identity = this.identity;
    if (!this.enabled || identity === undefined || this.followerRef !== undefined) return;
    const o = this.o;
    const f = new TranscriptFollower({ rest: this.session.rest, identity, logger: o.logger, onlyCall: o.onlyCall, pollMs: o.pollMs, clock: o.clock });
    f.on('transcript', (t) => this.emit('transcript', t));
    f.on('call', (c) => this.emit('call', c));
    f.on('transcribe', (t) => this.emit('transcribe', t));
    this.followerRef = f;
  }
}
