import { NotifierError } from '../platform/index.js';
import { canSeeCustomerScope, topicAuthority, type Identity } from '../account/index.js';
import { validateTopic } from '../../../shared/topics.js';

/**
 * Which topics to subscribe (PROTOCOL.md §2.5–§2.6). 4-part event-type prefixes match only the
 * new topic format, so each event arrives once per AMQP copy instead of twice.
 */
export interface TopicOptions {
  /**
   * Pop up inbound calls for the whole customer (admins and managers): needs the customer-wide call
   * topic, which agent defaults leave out because it carries every call of the customer.
   */
  customerCalls?: boolean;
  /**
   * Live transcripts (customer scope only, PROTOCOL.md §2.5): new segments and the transcribes that
   * tie them to calls — by exact event type, so the interim speech events (`transcribe_speech_*`,
   * several a second per call) are not taken too.
   */
  transcripts?: boolean;
}

/** The customer-scope topics that carry transcripts, with the transcribes that name their calls. */
export function transcriptTopics(customerId: string): string[] {
  const c = `customer_id:${customerId}`;
  return [
    `${c}:transcript:transcript_created`,
    `${c}:transcribe:transcribe_created`,
    `${c}:transcribe:transcribe_progressing`,
    `${c}:transcribe:transcribe_done`,
  ];
}

export function defaultTopics(id: Identity, opts: TopicOptions = {}): string[] {
  const topics: string[] = [];
  if (id.kind === 'agent') {
    const me = `agent_id:${id.agentId}`;
    topics.push(`${me}:call:call_`, `${me}:groupcall:groupcall_`, `${me}:conversation:conversation_`, `${me}:chatmessage:chatmessage_created`);
  }
  if (canSeeCustomerScope(id)) {
    const c = `customer_id:${id.customerId}`;
    topics.push(
      `${c}:message:message_created`,
      `${c}:conversation:conversation_message_created`,
      `${c}:queuecall:queuecall_`,
      `${c}:agent:agent_status_updated`,
    );
    // An access key has no agent, so customer-wide calls are its only way to see calls at all.
    if (id.kind === 'accesskey') topics.push(`${c}:call:call_`, `${c}:groupcall:groupcall_`);
    else if (opts.customerCalls === true) topics.push(`${c}:call:call_`);
    if (opts.transcripts === true) topics.push(...transcriptTopics(id.customerId));
  }
  return topics;
}

/** One refused topic and why (the error's `problems`, so each can be reported on its own). */
export interface TopicProblem {
  topic: string;
  reason: string;
}

/** The refused topics an `invalid_topic` error carries, type-checked (none for other errors). */
export function topicProblems(e: NotifierError): TopicProblem[] {
  const problems = e.code === 'invalid_topic' ? e.details.problems : undefined;
  if (!Array.isArray(problems)) return [];
  return problems.filter(
    (p): p is TopicProblem =>
      typeof p === 'object' && p !== null && typeof (p as TopicProblem).topic === 'string' && typeof (p as TopicProblem).reason === 'string',
  );
}

/**
 * The topics to use: the user's if given, else the defaults. Every topic is checked against the
 * server's own rules first, because one the server rejects would drop the whole connection.
 * Live transcripts asked for (opt-in) add their topics to the user's own too, unless one of the
 * user's already takes them: a choice of topics made for calls and messages must not leave the
 * transcripts someone turned on silently empty. Agent-only tokens need none (they read over REST).
 */
export function resolveTopics(id: Identity, requested: readonly string[] | undefined, opts: TopicOptions = {}): string[] {
  if (requested === undefined || requested.length === 0) return defaultTopics(id, opts);
  const who = topicAuthority(id);
  const problems: TopicProblem[] = [];
  const topics: string[] = [];
  for (const topic of requested) {
    const verdict = validateTopic(topic, who);
    if (verdict.ok) {
      if (!topics.includes(topic)) topics.push(topic);
    } else {
      problems.push({ topic, reason: verdict.reason });
    }
  }
  if (problems.length > 0) {
    const said = problems.map((p) => `"${p.topic}": ${p.reason}`).join('; ');
    throw new NotifierError('invalid_topic', `Refusing to subscribe (VoIPBIN would drop the connection): ${said}`, { problems });
  }
  if (opts.transcripts === true && canSeeCustomerScope(id)) {
    // Matching is by prefix (PROTOCOL.md §2.3): a saved `customer_id:C` already takes them all.
    for (const t of transcriptTopics(id.customerId)) if (!topics.some((mine) => t.startsWith(mine))) topics.push(t);
  }
  return topics;
}
