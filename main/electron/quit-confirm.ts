import { app, dialog } from 'electron';
import { quitQuestion, unsentReplies } from '../desktop/shell/window-policy.js';
import type { DesktopApp } from '../desktop/desktop-app.js';

/**
 * Quit asked for from the app (tray, settings window). With unsent replies it asks first, without
 * blocking the main process (a synchronous box would stop the socket: no pop-up while it is up).
 * The OS's own quit (log-out, shutdown) never asks: it goes through before-quit directly.
 */
export function quitFromApp(d: DesktopApp, showReplies: () => void): void {
  const unsent = unsentReplies(d.state);
  if (unsent === 0) {
    app.quit();
    return;
  }
  const q = quitQuestion(unsent);
  void dialog
    .showMessageBox({ type: 'question', message: q.message, detail: q.detail, buttons: q.buttons, defaultId: 0, cancelId: 0, noLink: true })
    .then(({ response }) => {
      if (response === 1) app.quit();
      else showReplies();
    });
}
