import type { AppState } from '../../../shared/ipc-contract.js';
import type { NotificationSettings } from '../../../shared/notification-settings.js';
import { statusWords } from '../../../shared/status-words.js';
import type { ListenerStats } from '../../core/stream/index.js';
import { redactor } from '../../core/platform/index.js';

/**
 * "Copy diagnostics": what support needs to see why an agent missed a call, as plain text.
 * Ids and states only; every line passes the redactor, so a secret that slipped into an error
 * message is still hidden.
 */
export interface DiagnosticsInput {
  state: AppState;
  settings: NotificationSettings;
  topics: readonly string[];
  stats: Readonly<ListenerStats> | undefined;
  environment: Readonly<Record<string, string>>;
  recentErrors: readonly { at: number; code: string; message: string }[];
  logFolder: string;
  now: number;
}

const iso = (ms: number | null | undefined): string => (ms === null || ms === undefined ? 'never' : new Date(ms).toISOString());

export function diagnosticsText(d: DiagnosticsInput): string {
  const s = d.state;
  const w = statusWords(s, d.now);
  const a = s.account;
  const lines = [
    `VoIPBIN Notifier ${s.version} — diagnostics ${iso(d.now)}`,
    `status: ${w.headline} (${w.detail})`,
    `environment: ${Object.entries(d.environment)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    a.signedIn
      ? `account: ${a.kind}${a.agentId !== null ? ` ${a.agentId}` : ''}, customer ${a.customerId}, permissions ${a.permissions.join(' + ')}, expires ${iso(a.expiresAt)} (${a.expiry}), api ${a.apiUrl}`
      : `account: signed out (api ${a.apiUrl})`,
    `tray icon: ${s.desktop.tray}`,
    `credential storage: ${s.storage.protection}${s.storage.warning !== null ? ' — weak' : ''}`,
    `connection: ${s.connection.state} since ${iso(s.connection.since)}, reconnects ${s.connection.reconnects}, last event ${iso(s.connection.lastEventAt)}, online ${s.connection.online ? 'yes' : 'no'}${s.connection.suspended ? ', suspended' : ''}`,
    `last error: ${s.connection.lastError === null ? 'none' : `${s.connection.lastError.code} at ${iso(s.connection.lastError.at)}: ${s.connection.lastError.message}`}`,
    `alert: ${s.alert === null ? 'none' : `${s.alert.reason} since ${iso(s.alert.since)}: ${s.alert.message}`}`,
    `topics (${d.topics.length}): ${d.topics.join(', ') || 'none'}`,
    `quarantined topics: ${s.connection.quarantined.join(', ') || 'none'}`,
    `stream counters: ${d.stats === undefined ? 'not connected' : JSON.stringify(d.stats)}`,
    `notification settings: ${JSON.stringify(d.settings)}`,
    `history: ${s.unread} unread; latest ${
      s.recent
        .slice(0, 5)
        .map((h) => `${iso(h.at)} ${h.kind}${h.shown ? '' : ` (held: ${h.heldBecause ?? '?'})`}`)
        .join('; ') || 'none'
    }`,
    'recent errors:',
    ...(d.recentErrors.length === 0 ? ['  none'] : d.recentErrors.map((e) => `  ${iso(e.at)} ${e.code}: ${e.message}`)),
    `logs: ${d.logFolder}`,
  ];
  return redactor.redact(lines.join('\n')) + '\n';
}

/** "Copy diagnostics" and "Open the logs folder". */
export class DiagnosticsFeature {
  constructor(
    private readonly input: () => DiagnosticsInput,
    private readonly port: { copyToClipboard(text: string): Promise<void>; openPath(path: string): Promise<string> },
    private readonly logFolder: string,
  ) {}

  text(): string {
    return diagnosticsText(this.input());
  }

  async copy(): Promise<{ copied: boolean; message: string }> {
    await this.port.copyToClipboard(this.text());
    return { copied: true, message: 'Diagnostics are on the clipboard (no tokens or secrets). Paste them into your support request.' };
  }

  async openLogFolder(): Promise<{ opened: boolean; message: string }> {
    const error = await this.port.openPath(this.logFolder);
    return error === '' ? { opened: true, message: `Opened ${this.logFolder}` } : { opened: false, message: `Could not open ${this.logFolder}: ${error}` };
  }
}
