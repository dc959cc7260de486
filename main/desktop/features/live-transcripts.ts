import type { HistoryItem } from '../../core/notify/index.js';
import { describeError } from '../../core/platform/index.js';
import { MyCalls, SPEAKER_NAMES, type MyCall, type SpokenLine, type TranscriptFollower } from '../../core/transcripts/index.js';
import type { LiveCallView, TranscriptLineView } from '../../../shared/ipc-contract.js';
import type { SessionManager } from '../session/session-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';

/**
 * The live transcript of my call, in the call window (opt-in, off by default, and only with the
 * call window on): shown once VoIPBIN is known to transcribe the call (a transcribe of it, or a
 * first line) — an answered call nobody transcribes keeps no window up — with the last lines,
 * caller and agent told apart, and "Copy transcript"; after the call, the history entry of the
 * call it came from copies it too, for as long as the app runs (it is never written to disk).
 * Privacy mode hides the words, as it hides message text, and copies nothing (below).
 */
export interface Copied {
  copied: boolean;
  message: string;
}

/** What the call window gets: the rest is in the copy. */
const VIEW_LINES = 50;
const HIDDEN_COPY = 'The transcript is hidden (privacy mode): turn privacy mode off to copy it.';

export class LiveTranscripts {
  /** The call whose transcript the agent closed the window on: not shown again (the next call is). */
  private dismissed: string | undefined;

  constructor(
    private readonly settings: SettingsStore,
    private readonly sessions: SessionManager,
    private readonly copyToClipboard: (text: string) => Promise<void>,
    private readonly changed: () => void,
  ) {}

  /** My call in progress and its transcript so far; null when off, not on a call, or the call is not transcribed. */
  view(): LiveCallView | null {
    const n = this.settings.settings.notifications;
    if (!n.liveTranscripts || !n.callWindow) return null;
    const f = this.follower();
    const call = f?.myCalls?.current();
    if (f === undefined || call === undefined || call.legId === this.dismissed || !f.transcribed(call)) return null;
    const lines = f.transcriptOf(call);
    return {
      id: call.legId,
      title: `On a call with ${n.privacy ? call.privateParty : call.party}`,
      answeredAt: call.answeredAt,
      hidden: n.privacy,
      lines: n.privacy ? [] : lines.slice(-VIEW_LINES).map(lineView),
      count: lines.length,
    };
  }

  /** The agent closed the call window on it: the transcript goes on, in the copy and the history. */
  dismiss(id: string): void {
    this.dismissed = id;
    this.changed();
  }

  /** Whether the call a history entry is about has a transcript to copy. */
  hasTranscript(item: HistoryItem): boolean {
    const c = this.callOf(item);
    const book = this.follower()?.book;
    // Asked for every history row on every push: a look at the book, not the sorted transcript.
    return c !== undefined && book !== undefined && MyCalls.references(c).some((id) => book.segments({ callId: id }).length > 0);
  }

  async copyLive(id: string): Promise<Copied> {
    const f = this.follower();
    const call = f?.myCalls?.byLeg(id);
    if (f === undefined || call === undefined) return { copied: false, message: 'That call is no longer here.' };
    return this.copy(call, f);
  }

  async copyFromHistory(item: HistoryItem | undefined): Promise<Copied> {
    const f = this.follower();
    const call = item === undefined ? undefined : this.callOf(item);
    if (f === undefined || call === undefined) return { copied: false, message: 'There is no transcript for that call.' };
    return this.copy(call, f);
  }

  private async copy(call: MyCall, f: TranscriptFollower): Promise<Copied> {
    // Privacy mode is for a screen others may see: a clipboard is pasted where others see it,
    // so it copies neither the words the window hides nor the number the title hides.
    if (this.settings.settings.notifications.privacy) return { copied: false, message: HIDDEN_COPY };
    const lines = f.transcriptOf(call);
    if (lines.length === 0) return { copied: false, message: 'Nothing has been transcribed for this call yet.' };
    const text = [`Call with ${call.party}, ${new Date(call.answeredAt).toLocaleString()}`, ...lines.map(spoken)].join('\n');
    try {
      await this.copyToClipboard(`${text}\n`);
      return { copied: true, message: `Copied ${lines.length} line${lines.length === 1 ? '' : 's'} of the transcript.` };
    } catch (e) {
      return { copied: false, message: `Could not copy: ${describeError(e)}` };
    }
  }

  private callOf(item: HistoryItem): MyCall | undefined {
    const calls = this.follower()?.myCalls;
    const r = item.resource;
    if (calls === undefined || r === undefined) return undefined;
    return r.kind === 'groupcall' ? calls.ofGroupcall(r.id) : calls.byLeg(r.id);
  }

  private follower(): TranscriptFollower | undefined {
    return this.sessions.current?.transcripts.follower;
  }
}

function lineView(l: SpokenLine): TranscriptLineView {
  return { id: l.segment.id, speaker: l.speaker, text: l.segment.text, at: l.segment.at };
}

function spoken(l: SpokenLine): string {
  return `${new Date(l.segment.at).toTimeString().slice(0, 8)}  ${SPEAKER_NAMES[l.speaker]}: ${l.segment.text}`;
}
