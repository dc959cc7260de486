import { describe, expect, it } from 'vitest';
import { suggestTopic, validateTopic, topicWarnings, parseTopic, type TopicAuthority } from '../../shared/topics.js';
import { AGENT_ID, CUSTOMER_ID, OTHER_ID } from '../support/jwt.js';

const agent: TopicAuthority = { kind: 'agent', agentId: AGENT_ID, customerId: CUSTOMER_ID, permission: 0x10 };
const manager: TopicAuthority = { ...agent, permission: 0x10 | 0x40 };
const admin: TopicAuthority = { ...agent, permission: 0x20 };
const superAdmin: TopicAuthority = { ...agent, permission: 0x01 };
const key: TopicAuthority = { kind: 'accesskey', customerId: CUSTOMER_ID };

describe('topic validation mirrors the server (PROTOCOL §2.2)', () => {
  const cases: [string, TopicAuthority, boolean, RegExp?][] = [
    [`agent_id:${AGENT_ID}:call:call_`, agent, true],
    [`agent_id:${AGENT_ID}`, agent, true],
    [`agent_id:${OTHER_ID}:call:call_`, agent, false, /your own agent id/],
    [`customer_id:${CUSTOMER_ID}:message:message_created`, agent, false, /admin or customer manager/],
    [`customer_id:${CUSTOMER_ID}:message:message_created`, manager, true],
    [`customer_id:${CUSTOMER_ID}:message:message_created`, admin, true],
    [`customer_id:${OTHER_ID}:call`, admin, false, /not your account/],
    [`customer_id:${OTHER_ID}:call`, superAdmin, true],
    [`customer_id:${CUSTOMER_ID}:call:call_`, key, true],
    [`agent_id:${AGENT_ID}:call:call_`, key, false, /access key has no agent/],
    [`agent_id:${AGENT_ID}:call:*`, agent, false, /wildcards do not exist/],
    [`owner_id:${AGENT_ID}:call`, agent, false, /unknown scope "owner_id"/],
    ['agent_id', agent, false, /at least/],
    ['agent_id:not-a-uuid:call', agent, false, /"not-a-uuid" is not an agent id \(a UUID\)/],
    ['customer_id:acme:call', admin, false, /"acme" is not a customer id \(a UUID\)/],
    // A wildcard is named as such even where the id should be.
    ['agent_id:*:call:call_', agent, false, /wildcards do not exist/],
    ['customer_id:00000000-0000-0000-0000-000000000000:call', admin, false, /UUID/],
    [`agent_id:${AGENT_ID.toUpperCase()}:call:call_`, agent, false, /lowercase/],
    [` agent_id:${AGENT_ID}:call`, agent, false, /spaces/],
    ['', agent, false, /empty/],
  ];
  it.each(cases)('%s for %o → %s', (topic, who, ok, reason) => {
    const v = validateTopic(topic, who);
    expect(v.ok).toBe(ok);
    if (!v.ok && reason !== undefined) expect(v.reason).toMatch(reason);
  });
});

describe('a refused topic suggests the one meant, built from your own id', () => {
  it.each([
    [`agent_id:${OTHER_ID}:call:call_`, agent, `agent_id:${AGENT_ID}:call:call_`],
    ['agent_id:*:call:call_', agent, `agent_id:${AGENT_ID}:call:call_`],
    ['agent_id:me:groupcall:groupcall_', agent, `agent_id:${AGENT_ID}:groupcall:groupcall_`],
    [`agent_id:${AGENT_ID}:call:*`, agent, `agent_id:${AGENT_ID}:call:call_`],
    [`agent_id:${AGENT_ID}:call:call_*`, agent, `agent_id:${AGENT_ID}:call:call_`],
    [`agent_id:${AGENT_ID}:*`, agent, `agent_id:${AGENT_ID}`],
    [`agent_id:${AGENT_ID.toUpperCase()}:call:call_`, agent, `agent_id:${AGENT_ID}:call:call_`],
    [`customer_id:${OTHER_ID}:message:message_created`, admin, `customer_id:${CUSTOMER_ID}:message:message_created`],
  ] as const)('%s → %s', (topic, who, meant) => {
    expect(suggestTopic(topic, who)).toBe(meant);
    const v = validateTopic(topic, who);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toContain(`did you mean "${meant}"?`);
  });

  it('suggests nothing the server would refuse too', () => {
    // An access key has no agent id to put there; an agent may not subscribe customer-wide.
    expect(suggestTopic(`agent_id:${OTHER_ID}:call:call_`, key)).toBeUndefined();
    expect(suggestTopic(`customer_id:${OTHER_ID}:call`, agent)).toBeUndefined();
    expect(suggestTopic(`owner_id:${AGENT_ID}:call`, agent)).toBeUndefined();
    const v = validateTopic(`customer_id:${CUSTOMER_ID}:call`, agent);
    expect(!v.ok && v.reason.includes('did you mean')).toBe(false);
  });
});

describe('topic warnings', () => {
  const warn = (t: string): string[] => {
    const p = parseTopic(t);
    if (!p.ok) throw new Error(p.reason);
    return topicWarnings(p.topic);
  };
  it('flags 3-part topics as duplicate-prone and prefix collisions', () => {
    expect(warn(`customer_id:${CUSTOMER_ID}:queue`).join(' ')).toMatch(/twice.*|queuecall/);
    expect(warn(`customer_id:${CUSTOMER_ID}:queue`).some((w) => w.includes('queuecall'))).toBe(true);
    expect(warn(`agent_id:${AGENT_ID}`)[0]).toMatch(/every event/);
    expect(warn(`agent_id:${AGENT_ID}:call:`)[0]).toMatch(/twice/);
  });
  it('has nothing to say about a 4-part event prefix', () => {
    expect(warn(`agent_id:${AGENT_ID}:call:call_`)).toEqual([]);
  });
});
