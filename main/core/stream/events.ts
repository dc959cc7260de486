import type { NotifierError } from '../platform/index.js';
import type { StateChange } from './connection-state.js';
import type { ResourceFrame } from './frames.js';

/** What the stream reports, whichever way it learned it: a frame, or the REST catch-up. */
export interface ResourceEvent extends ResourceFrame {
  id: string | undefined;
  source: 'stream' | 'catchup';
  /** Wall-clock ms when we learned of it. */
  receivedAt: number;
}

export interface CatchupReport {
  connection: number;
  /** Wall-clock ms since which events may have been missed; undefined on the first connection. */
  since: number | undefined;
  fetched: number;
  /** Resources whose state was news to us, in the order they were accepted. */
  accepted: ResourceEvent[];
  /** Calls we knew were open that the server no longer has. */
  missing: string[];
}

/** What the event stream itself (event-stream.ts) reports, before frames are understood. */
export interface FrameEvent {
  text: string;
  receivedAt: number;
}

export interface SubscribedEvent {
  topics: readonly string[];
  /** 1 for the first subscription of this stream, then 2, 3… */
  connection: number;
  /** Wall-clock time the previous connection stopped being trustworthy; undefined on the first. */
  gapSince: number | undefined;
}

export interface QuarantineEvent {
  topic: string;
  reason: string;
}

export interface EventStreamEvents {
  state: StateChange;
  frame: FrameEvent;
  subscribed: SubscribedEvent;
  /** Every failure worth telling a person: fatal ones are followed by state `stopped`. */
  error: NotifierError;
  quarantined: QuarantineEvent;
}
