import type { Identity } from '../../core/account/index.js';
import { describeError } from '../../core/platform/index.js';
import { defaultTopics, resolveTopics } from '../../core/stream/index.js';
import type { AppSettings } from '../../../shared/app-settings.js';
import { expandTopicTemplates } from '../settings/provisioning.js';

/**
 * Which topics a sign-in subscribes, from the settings: the defaults for whoever signed in, or
 * the user's own filters (provisioned templates get this sign-in's ids filled in).
 */
export function topicOptions(s: AppSettings): { customerCalls: boolean; transcripts: boolean } {
  return { customerCalls: s.notifications.customerCalls, transcripts: s.notifications.liveTranscripts };
}

/** The saved filters for this identity, or undefined for the defaults. */
export function savedTopics(s: AppSettings, identity: Identity): string[] | undefined {
  if (s.topics === null) return undefined;
  return expandTopicTemplates(s.topics, { agentId: identity.kind === 'agent' ? identity.agentId : undefined, customerId: identity.customerId });
}

/** The topics to subscribe; filters that do not fit this sign-in fall back to the defaults, with the reason. */
export function topicsFor(s: AppSettings, identity: Identity): { topics: string[]; notice: string | undefined } {
  try {
    return { topics: resolveTopics(identity, savedTopics(s, identity), topicOptions(s)), notice: undefined };
  } catch (e) {
    return {
      topics: defaultTopics(identity, topicOptions(s)),
      notice: `Your topic filters do not fit this sign-in, so the defaults are used: ${describeError(e)}`,
    };
  }
}
