/**
 * Where the call window goes and how tall it is: the top-right corner of the work area of the
 * screen the agent is using (beside the OS pop-ups, clear of the taskbar), one card per call, at
 * most three before it scrolls, and the live transcript of my call under them when there is one.
 * Pure, so the geometry is tested without a screen.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const CALL_WINDOW_WIDTH = 400;
const MARGIN = 16;
/** The page's padding and status line, and one call card with its gap (renderer/call.css). */
const CHROME_HEIGHT = 44;
const CARD_HEIGHT = 118;
const MAX_CARDS = 3;
/** The live transcript card: its title, a few lines (then it scrolls) and Copy. */
const TRANSCRIPT_HEIGHT = 250;

export function callWindowBounds(workArea: Rect, calls: number, transcript = false): Rect {
  const cards = transcript ? Math.min(calls, MAX_CARDS) : Math.min(Math.max(calls, 1), MAX_CARDS);
  const width = Math.min(CALL_WINDOW_WIDTH, workArea.width - 2 * MARGIN);
  const height = Math.min(CHROME_HEIGHT + cards * CARD_HEIGHT + (transcript ? TRANSCRIPT_HEIGHT : 0), workArea.height - 2 * MARGIN);
  return { x: workArea.x + workArea.width - width - MARGIN, y: workArea.y + MARGIN, width, height };
}
