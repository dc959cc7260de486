import { isDeepStrictEqual } from 'node:util';
import { topicAuthority } from '../../core/account/index.js';
import { NotifierError } from '../../core/platform/index.js';
import { defaultTopics, resolveTopics } from '../../core/stream/index.js';
import type { SubscriptionsView } from '../../../shared/ipc-contract.js';
import { describeTopic, topicPresets } from '../../../shared/topic-labels.js';
import { topicWarnings, validateTopic } from '../../../shared/topics.js';
import type { SessionManager } from '../session/session-manager.js';
import { savedTopics, topicOptions } from '../session/topics.js';
import type { SettingsStore } from '../settings/settings-store.js';

/**
 * What the connection subscribes: the defaults for the sign-in or the user's own topics, as
 * readable rows for the Topics tab. A change of the saved topics — or of customer-wide calls,
 * which need their own topic — reaches the live connection at once.
 */
export class SubscriptionsFeature {
  private readonly off: () => void;

  constructor(
    private readonly settings: SettingsStore,
    private readonly sessions: SessionManager,
  ) {
    this.off = settings.on('changed', ({ prev, next }) => {
      const a = this.sessions.current;
      const identity = a?.session.identity;
      const listener = a?.session.listener;
      if (identity === undefined || listener === undefined) return;
      // The file is read afresh on every change: compare contents, not objects.
      if (isDeepStrictEqual(prev.topics, next.topics) && isDeepStrictEqual(topicOptions(prev), topicOptions(next))) return;
      // Validated again with the core's rules, whatever the window checked.
      listener.setTopics(resolveTopics(identity, savedTopics(next, identity), topicOptions(next)));
    });
  }

  view(): SubscriptionsView {
    const s = this.settings.settings;
    const a = this.sessions.current;
    const identity = a?.session.identity;
    if (a === undefined || identity === undefined) {
      return { authority: null, usingDefaults: s.topics === null, active: [], defaults: [], presets: [], quarantined: [] };
    }
    const who = topicAuthority(identity);
    const row = (topic: string): SubscriptionsView['active'][number] => {
      const v = validateTopic(topic, who);
      return { topic, label: describeTopic(topic, who), warnings: v.ok ? topicWarnings(v.topic) : [v.reason] };
    };
    const defaults = defaultTopics(identity, topicOptions(s));
    let active: readonly string[];
    try {
      active = a.session.listener?.topics ?? resolveTopics(identity, savedTopics(s, identity), topicOptions(s));
    } catch {
      active = defaults;
    }
    return {
      authority: who,
      usingDefaults: s.topics === null,
      active: active.map(row),
      defaults: defaults.map(row),
      presets: topicPresets(who).map((p) => ({ id: p.id, label: p.label, topics: p.topics, unavailable: p.unavailable ?? null })),
      quarantined: [...a.status.quarantinedTopics],
    };
  }

  /** null: back to the defaults. */
  async set(topics: string[] | null): Promise<SubscriptionsView> {
    const a = this.sessions.current;
    const identity = a?.session.identity;
    if (a === undefined || identity === undefined) throw new NotifierError('credentials_missing', 'Sign in first.');
    if (topics !== null && topics.length === 0) {
      throw new NotifierError('bad_usage', 'Keep at least one topic (with none, no call can reach you), or go back to the defaults.');
    }
    const effective = resolveTopics(identity, topics ?? undefined, topicOptions(this.settings.settings));
    a.status.clearQuarantine();
    await this.settings.update({ topics: topics === null ? null : effective });
    // A connection that gave up (every topic refused) may work with these.
    if (a.session.detail.state === 'stopped') await this.sessions.reconnect();
    return this.view();
  }

  dispose(): void {
    this.off();
  }
}
