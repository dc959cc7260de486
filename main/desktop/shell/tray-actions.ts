import type { DesktopApp } from '../desktop-app.js';
import type { TrayAction } from './tray-model.js';

/**
 * What a click in the tray menu does. Where the action cannot be done (nothing to reconnect, a
 * notification that opens nothing), the settings window opens instead and says why.
 */
export interface TrayUi {
  showSettings(): void;
  quit(): void;
}

export async function runTrayAction(a: TrayAction, app: DesktopApp, ui: TrayUi): Promise<void> {
  switch (a.type) {
    case 'settings':
      ui.showSettings();
      return;
    case 'quit':
      ui.quit();
      return;
    case 'reconnect':
      try {
        await app.reconnect();
      } catch {
        // Nothing to reconnect (signed out): the window says what to do.
        ui.showSettings();
      }
      return;
    case 'pause':
      await app.notifications.pause(a.choice);
      return;
    case 'mark-all-read':
      app.notifications.markRead();
      return;
    case 'set-status':
      // A failure is said in the window (and logged): the status stays what the server holds.
      if (!(await app.setStatus(a.status)).ok) ui.showSettings();
      return;
    case 'open-history':
      if (!(await app.notifications.openHistoryItem(a.seq)).opened) ui.showSettings();
      return;
  }
}
