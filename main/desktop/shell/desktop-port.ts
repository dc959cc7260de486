/** What the desktop app needs of the machine's shell: clipboard, browser, file manager, start at login, quit. Electron provides it (main/electron/main.ts). */
export interface DesktopPort {
  copyToClipboard(text: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Resolves to "" on success or an error sentence (Electron's shell.openPath contract). */
  openPath(path: string): Promise<string>;
  setAutostart(enabled: boolean): Promise<void>;
  readonly autostartSupported: boolean;
  /** Ends the app (stops the connection first, via the app's own quit path). */
  quit(): void;
}
