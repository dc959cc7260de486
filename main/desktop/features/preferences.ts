import { NotifierError } from '../../core/platform/index.js';
import type { AppPreferences } from '../../../shared/ipc-contract.js';
import { checkConsoleTemplate } from '../../../shared/console-link.js';
import type { SettingsStore } from '../settings/settings-store.js';

/** App-wide preferences: start at login, and where a call opens in the console. */
export interface PreferencesPort {
  setAutostart(enabled: boolean): Promise<void>;
  readonly autostartSupported: boolean;
}

export class PreferencesFeature {
  constructor(
    private readonly settings: SettingsStore,
    private readonly port: PreferencesPort,
    private readonly logFolder: string,
  ) {}

  view(): AppPreferences {
    const s = this.settings.settings;
    return { autostart: s.autostart, autostartSupported: this.port.autostartSupported, consoleUrlTemplate: s.consoleUrlTemplate, logFolder: this.logFolder };
  }

  async set(change: { autostart?: boolean | undefined; consoleUrlTemplate?: string | undefined }): Promise<AppPreferences> {
    if (change.consoleUrlTemplate !== undefined) {
      const v = checkConsoleTemplate(change.consoleUrlTemplate);
      if (!v.ok) throw new NotifierError('bad_usage', `Console link: ${v.reason}.`);
    }
    if (change.autostart !== undefined && this.port.autostartSupported) await this.port.setAutostart(change.autostart);
    await this.settings.update({ autostart: change.autostart, consoleUrlTemplate: change.consoleUrlTemplate?.trim() });
    return this.view();
  }
}
