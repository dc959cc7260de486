import { describe, expect, it } from 'vitest';
import { defaultTopics, resolveTopics } from '../../main/core/stream/subscriptions.js';
import { decodeAgentToken, accessKeyIdentity } from '../../main/core/account/identity.js';
import { validateTopic } from '../../shared/topics.js';
import { topicAuthority } from '../../main/core/account/identity.js';
import { fakeAgentJwt, agentPayload, AGENT_ID, CUSTOMER_ID, OTHER_ID } from '../support/jwt.js';

const agent = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x10 })));
const manager = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x50 })));
const key = accessKeyIdentity({ id: CUSTOMER_ID });

describe('default subscriptions (PROTOCOL §2.6)', () => {
  it('gives a plain agent only its own 4-part agent topics', () => {
    expect(defaultTopics(agent)).toEqual([
      `agent_id:${AGENT_ID}:call:call_`,
      `agent_id:${AGENT_ID}:groupcall:groupcall_`,
      `agent_id:${AGENT_ID}:conversation:conversation_`,
      `agent_id:${AGENT_ID}:chatmessage:chatmessage_created`,
    ]);
  });
  it('adds customer SMS, conversation messages and queue calls for managers', () => {
    const topics = defaultTopics(manager);
    expect(topics).toContain(`customer_id:${CUSTOMER_ID}:message:message_created`);
    expect(topics).toContain(`customer_id:${CUSTOMER_ID}:queuecall:queuecall_`);
    expect(topics).toContain(`customer_id:${CUSTOMER_ID}:conversation:conversation_message_created`);
  });
  it('never gives an access key agent topics', () => {
    const topics = defaultTopics(key);
    expect(topics.some((t) => t.startsWith('agent_id'))).toBe(false);
    expect(topics).toContain(`customer_id:${CUSTOMER_ID}:call:call_`);
  });
  it('adds the customer-wide call topic for a manager who wants customer calls (--customer-calls), never for a plain agent', () => {
    expect(defaultTopics(manager)).not.toContain(`customer_id:${CUSTOMER_ID}:call:call_`);
    expect(defaultTopics(manager, { customerCalls: true })).toContain(`customer_id:${CUSTOMER_ID}:call:call_`);
    expect(resolveTopics(manager, undefined, { customerCalls: true })).toContain(`customer_id:${CUSTOMER_ID}:call:call_`);
    // An agent without customer scope would be dropped by the server for it.
    expect(defaultTopics(agent, { customerCalls: true })).toEqual(defaultTopics(agent));
  });
  it.each([agent, manager, key])('every default passes the server rules and is 4-part', (id) => {
    for (const t of defaultTopics(id, { customerCalls: true })) {
      expect(validateTopic(t, topicAuthority(id)).ok).toBe(true);
      expect(t.split(':')).toHaveLength(4);
    }
  });
});

describe('user topics', () => {
  it('are validated before anything is sent, naming each bad topic and why', () => {
    expect(() => resolveTopics(agent, [`agent_id:${AGENT_ID}:call:call_`, `customer_id:${CUSTOMER_ID}:message`, `agent_id:${OTHER_ID}:call`])).toThrow(
      /"customer_id:.*:message": customer-wide topics need .*; "agent_id:9e8d.*": agent_id topics must use your own agent id/,
    );
  });
  it('replace the defaults and are de-duplicated', () => {
    const t = `agent_id:${AGENT_ID}:call:call_ringing`;
    expect(resolveTopics(agent, [t, t])).toEqual([t]);
    expect(resolveTopics(agent, [])).toEqual(defaultTopics(agent));
  });
  it('gain the transcript topics when live transcripts are on (customer scope), unless one of them already takes them', () => {
    const c = `customer_id:${CUSTOMER_ID}`;
    const mine = [`${c}:message:message_created`];
    expect(resolveTopics(manager, mine, { transcripts: true })).toEqual([
      ...mine,
      `${c}:transcript:transcript_created`,
      `${c}:transcribe:transcribe_created`,
      `${c}:transcribe:transcribe_progressing`,
      `${c}:transcribe:transcribe_done`,
    ]);
    expect(resolveTopics(manager, mine)).toEqual(mine);
    // Prefix matching: a saved customer-wide topic hears them already.
    expect(resolveTopics(manager, [c], { transcripts: true })).toEqual([c]);
    expect(resolveTopics(manager, [`${c}:transcript`], { transcripts: true })).toEqual([
      `${c}:transcript`,
      `${c}:transcribe:transcribe_created`,
      `${c}:transcribe:transcribe_progressing`,
      `${c}:transcribe:transcribe_done`,
    ]);
    // An agent-only token would be dropped for them; it reads its calls' transcripts over REST.
    const own = [`agent_id:${AGENT_ID}:call:call_`];
    expect(resolveTopics(agent, own, { transcripts: true })).toEqual(own);
  });
});
