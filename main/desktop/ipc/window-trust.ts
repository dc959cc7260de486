import type { Channel } from '../../../shared/ipc-contract.js';

/**
 * Which window may use which IPC channel. main/electron/ipc.ts asks before any handler runs: the
 * message must come from the main frame of one of our windows, showing that window's own page.
 */
/** Who may call: only one of our windows' own frame, showing its own page. */
export interface SenderInfo {
  webContentsId: number;
  /** URL of the frame that sent the message. */
  frameUrl: string;
  isMainFrame: boolean;
}

export interface TrustedWindow {
  webContentsId: number | undefined;
  pageUrl: string;
  /** The channels this window may use; every channel when absent (the settings window). */
  channels?: readonly Channel[];
}

/** The call window needs its state and its buttons, nothing that reads or changes the account. */
export const CALL_WINDOW_CHANNELS: readonly Channel[] = ['state:get', 'calls:open', 'calls:open-contact', 'calls:dismiss', 'calls:copy-transcript'];

/** The reply window writes answers to messages: its state and its drafts, nothing else. */
export const REPLY_WINDOW_CHANNELS: readonly Channel[] = ['state:get', 'replies:save', 'replies:send', 'replies:discard'];

/** A channel is answered only for a trusted window that may use it. */
export function mayInvoke(channel: Channel, sender: SenderInfo, windows: readonly TrustedWindow[]): boolean {
  return windows.some((w) => isTrustedSender(sender, w) && (w.channels === undefined || w.channels.includes(channel)));
}

export function isTrustedSender(sender: SenderInfo, trusted: TrustedWindow): boolean {
  if (trusted.webContentsId === undefined || sender.webContentsId !== trusted.webContentsId) return false;
  if (!sender.isMainFrame) return false;
  let url: URL;
  let expected: URL;
  try {
    url = new URL(sender.frameUrl);
    expected = new URL(trusted.pageUrl);
  } catch {
    return false;
  }
  // Compare without the fragment: the window may use #panel anchors.
  return url.protocol === expected.protocol && url.host === expected.host && url.pathname === expected.pathname && url.search === expected.search;
}
