import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES, type Envelope } from '../../shared/ipc-contract.js';
import type { IpcHandlers } from '../desktop/ipc/handlers.js';
import { mayInvoke, type TrustedWindow } from '../desktop/ipc/window-trust.js';
import type { Logger } from '../core/platform/index.js';

/**
 * ipcMain.handle for every contract channel, and nothing else. A message from any frame other
 * than one of our windows' own page (another webContents, a subframe, a navigated-away page), or
 * on a channel that window may not use, is refused before its payload is even parsed.
 */
export const REFUSED: Envelope<never> = { ok: false, error: { code: 'forbidden_sender', message: 'This window may not talk to the notifier.' } };

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: IpcHandlers,
  trusted: () => readonly TrustedWindow[],
  logger: Logger,
): () => void {
  const log = logger.child({ component: 'ipc' });
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame;
      const sender = { webContentsId: event.sender.id, frameUrl: frame?.url ?? '', isMainFrame: frame !== null && frame === event.sender.mainFrame };
      if (!mayInvoke(channel, sender, trusted())) {
        log.warn(`refused ${channel} from an untrusted sender`, { url: sender.frameUrl, webContentsId: sender.webContentsId });
        return REFUSED;
      }
      return handlers[channel](payload);
    });
  }
  return () => {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}
