import { parseTopic, validateTopic, type TopicAuthority } from './topics.js';

/**
 * Topics in words for the settings window ("My calls — every change"), and the presets it
 * offers. Pure and shared: the main process builds the same rows the window shows.
 */
const RESOURCES: Readonly<Record<string, string>> = {
  call: 'calls',
  groupcall: 'ringing groups',
  conversation: 'conversations',
  chatmessage: 'team chat',
  chat: 'chats',
  message: 'SMS',
  queuecall: 'queue calls',
  agent: 'agent status',
  transcript: 'transcripts',
  recording: 'recordings',
};

function eventWords(resource: string, event: string | undefined): string {
  if (event === undefined || event === '') return 'every event (delivered twice)';
  if (event === `${resource}_`) return 'every change';
  const suffix = event.startsWith(`${resource}_`) ? event.slice(resource.length + 1) : event;
  const words: Readonly<Record<string, string>> = {
    created: 'new ones',
    updated: 'updates',
    status_updated: 'status changes',
    message_created: 'new messages',
    waiting: 'waiting',
  };
  return words[suffix] ?? suffix.replaceAll('_', ' ');
}

export function describeTopic(topic: string, who: TopicAuthority | undefined): string {
  const parsed = parseTopic(topic);
  if (!parsed.ok) return topic;
  const { scope, scopeId, rest } = parsed.topic;
  const mine =
    scope === 'agent_id'
      ? who?.kind === 'agent' && who.agentId === scopeId
        ? 'My'
        : 'Agent'
      : who !== undefined && who.customerId === scopeId
        ? 'Customer'
        : 'Other customer';
  const [resource, event, id] = rest;
  if (resource === undefined) return `${mine} — everything`;
  const what = RESOURCES[resource] ?? resource;
  const specific = id !== undefined && id !== '' ? ` (one ${resource})` : '';
  return `${mine} ${what} — ${eventWords(resource, event)}${specific}`;
}

export interface TopicPreset {
  id: 'my_calls' | 'my_conversations' | 'customer_sms' | 'queue_calls';
  label: string;
  topics: string[];
  /** Why it cannot be used with this sign-in; undefined when it can. */
  unavailable: string | undefined;
}

export function topicPresets(who: TopicAuthority): TopicPreset[] {
  const agent = who.kind === 'agent' ? `agent_id:${who.agentId}` : 'agent_id:<no agent>';
  const customer = `customer_id:${who.customerId}`;
  const presets: Omit<TopicPreset, 'unavailable'>[] = [
    { id: 'my_calls', label: 'My calls', topics: [`${agent}:call:call_`, `${agent}:groupcall:groupcall_`] },
    { id: 'my_conversations', label: 'My conversations', topics: [`${agent}:conversation:conversation_`, `${agent}:chatmessage:chatmessage_created`] },
    { id: 'customer_sms', label: 'Customer SMS', topics: [`${customer}:message:message_created`] },
    { id: 'queue_calls', label: 'Queue calls', topics: [`${customer}:queuecall:queuecall_`] },
  ];
  return presets.map((p) => {
    if (who.kind === 'accesskey' && p.topics.some((t) => t.startsWith('agent_id:'))) {
      return { ...p, unavailable: 'an access key has no agent of its own; sign in as the agent for this' };
    }
    const refused = p.topics.map((t) => validateTopic(t, who)).find((v) => !v.ok);
    return { ...p, unavailable: refused !== undefined && !refused.ok ? refused.reason : undefined };
  });
}
