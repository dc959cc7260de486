import { app } from 'electron';
import { XdgAutostart, autostartExecutable, loginItemSettings, xdgAutostartDir } from '../desktop/shell/autostart.js';

/**
 * Start at login per OS: login items on macOS and Windows, an XDG autostart entry on Linux.
 * Only for installed builds: a development run's executable is bare Electron, which would
 * start nothing useful at login.
 */
export interface AutostartPort {
  readonly autostartSupported: boolean;
  setAutostart(enabled: boolean): Promise<void>;
}

export function autostartPort(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): AutostartPort {
  const supported = app.isPackaged;
  if (platform === 'linux') {
    const entry = new XdgAutostart(xdgAutostartDir(env), autostartExecutable(process.execPath, env));
    return { autostartSupported: supported, setAutostart: (enabled) => entry.set(enabled) };
  }
  return {
    autostartSupported: supported,
    setAutostart: (enabled) => {
      app.setLoginItemSettings(loginItemSettings(enabled));
      return Promise.resolve();
    },
  };
}
