import { resolveApiUrl } from '../main/core/api/api-url.js';
import { parseCredential } from '../main/core/api/credentials.js';
import { decodeAgentToken } from '../main/core/account/identity.js';
import { Listener, type ListenerOptions } from '../main/core/stream/listener.js';
import { createLogger } from '../main/core/platform/log.js';
import type { StateChange } from '../main/core/stream/connection-state.js';
import type { VoipbinEmulator } from '../emulator/index.js';
import type { BenchResult } from './report.js';
import { callCentre, ms, percentile, sleep, until } from './support.js';

/**
 * Reconnects with the real timing: the default backoff policy, watchdog and the server's 10 s
 * pings, against the emulator with VoIPBIN's rate limits. In-process: this measures timers and
 * round trips, not CPU.
 */
function startListener(
  emu: VoipbinEmulator,
  token: string,
  stream: ListenerOptions['stream'] = {},
): { listener: Listener; states: StateChange[]; subscribed: () => number } {
  const credential = parseCredential(token, 'token');
  const identity = decodeAgentToken(token);
  const listener = new Listener({
    endpoints: resolveApiUrl(emu.url),
    credential,
    identity,
    topics: [`agent_id:${identity.kind === 'agent' ? identity.agentId : ''}:call:call_`],
    logger: createLogger({ level: 'silent' }),
    stream,
  });
  const states: StateChange[] = [];
  let subs = 0;
  listener.on('state', (s) => states.push(s));
  listener.on('subscribed', () => subs++);
  listener.start();
  return { listener, states, subscribed: () => subs };
}

export async function reconnect(o: { drops: number }): Promise<BenchResult> {
  const cc = await callCentre({ realRateLimits: true });
  // Drops in the field are minutes apart, long past the 20 s after which a healthy connection
  // resets the backoff; 50 of them back to back would test the restart-loop backoff instead.
  // So "healthy" comes after 300 ms here, and each drop waits past it: every drop is a first failure.
  const healthyAfterMs = 300;
  const { listener, subscribed } = startListener(cc.emu, cc.token, { healthyAfterMs });
  try {
    await until('first subscription', () => subscribed() === 1, 10_000);
    const times: number[] = [];
    for (let i = 0; i < o.drops; i++) {
      await sleep(healthyAfterMs + 50 + Math.random() * 100);
      const before = subscribed();
      const t0 = performance.now();
      cc.emu.dropAll();
      await until('resubscribed', () => subscribed() > before, 10_000, 1);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const med = percentile(times, 50);
    return {
      name: 'Reconnect',
      rows: [
        { metric: `server drops the connection → resubscribed, median of ${o.drops}`, result: ms(med), target: '< 1 s', met: med < 1_000 },
        { metric: `… p95`, result: ms(percentile(times, 95)), target: '—', met: undefined },
      ],
      details: [
        `${o.drops} abrupt drops (TCP close, no close frame, as VoIPBIN's deploys do), each timed from the drop to the`,
        'acknowledged resubscription (subscribe + ping/pong ack). The first retry waits a random 0–500 ms (full jitter,',
        'default policy); the rest is the handshake and the subscription round trip on loopback. Drops were spaced past',
        `the healthy period (shortened to ${healthyAfterMs} ms for the benchmark) so each is a first failure, as in the field.`,
        '',
        `min ${ms(times[0] ?? NaN)}, median ${ms(med)}, p95 ${ms(percentile(times, 95))}, max ${ms(times.at(-1) ?? NaN)}.`,
      ],
    };
  } finally {
    listener.stop();
    await cc.emu.stop();
  }
}

export async function deadSocket(): Promise<BenchResult> {
  const cc = await callCentre({ realRateLimits: true });
  const { listener, states, subscribed } = startListener(cc.emu, cc.token);
  try {
    await until('first subscription', () => subscribed() === 1, 10_000);
    const opened = states.find((s) => s.to.state === 'open')?.at ?? Date.now();
    // Go silent just after the server's first ping (10 s after open): the worst case, since the
    // watchdog counts from the last sign of life.
    await sleep(Math.max(0, opened + 10_050 - Date.now()));
    const t0 = Date.now();
    cc.emu.goSilent();
    await until('the dead socket to be noticed', () => states.some((s) => s.to.state === 'reconnecting'), 60_000, 10);
    const detected = (states.find((s) => s.to.state === 'reconnecting')?.at ?? NaN) - t0;
    await until('resubscribed', () => subscribed() === 2, 30_000, 5);
    const recovered = Date.now() - t0;
    const s = (x: number): string => `${(x / 1000).toFixed(1)} s`;
    return {
      name: 'Dead socket',
      rows: [
        { metric: 'server goes silent (half-open) → detected', result: s(detected), target: '≤ 30 s', met: detected <= 30_000 },
        { metric: '… → resubscribed', result: s(recovered), target: '—', met: undefined },
      ],
      details: [
        'The emulator stops pinging, reading and writing while the TCP connection stays up (a half-open socket, as after',
        "a NAT timeout or a suspended laptop). The client's watchdog (default 25 s without a ping, pong or frame; one timer",
        "set for that deadline) declares it dead. Silence began right after one of the server's 10 s pings, the worst case.",
      ],
    };
  } finally {
    listener.stop();
    await cc.emu.stop();
  }
}

export async function herd(o: { clients: number; downMs: number }): Promise<BenchResult> {
  const cc = await callCentre({ realRateLimits: true });
  const tokens = cc.agentTokens(o.clients);
  type Client = ReturnType<typeof startListener> & { rateLimited: { at: number; retryAfterMs: number }[] };
  const clients: Client[] = [];
  try {
    // Agents come online over a few seconds, as a shift starts, within the customer's rate limit.
    for (const token of tokens) {
      const c = startListener(cc.emu, token, { healthyAfterMs: 2_000 });
      const client: Client = { ...c, rateLimited: [] };
      c.listener.on('error', (e) => {
        if (e.code === 'rate_limited' && 'retryAfterMs' in e && typeof e.retryAfterMs === 'number')
          client.rateLimited.push({ at: Date.now(), retryAfterMs: e.retryAfterMs });
      });
      clients.push(client);
      await sleep(1_000 / 15);
    }
    await until('every client subscribed', () => clients.every((c) => c.subscribed() >= 1), 120_000, 50);
    await sleep(2_500);
    const before = clients.map((c) => ({ subs: c.subscribed(), states: c.states.length }));
    const upgradesBefore = cc.emu.upgrades.length;
    const lostAt = Date.now();
    await cc.emu.refuseConnections(true);
    await sleep(o.downMs);
    await cc.emu.refuseConnections(false);
    await until('every client resubscribed', () => clients.every((c, i) => c.subscribed() > (before[i]?.subs ?? 0)), 180_000, 50);
    const allBackAt = Date.now();

    // Every attempt after the loss, and every backoff decision, checked against the policy.
    const attempts: number[] = [];
    const resubscribedAfter: number[] = [];
    let decisions = 0;
    let violations = 0;
    let honouredRetryAfter = 0;
    const ceiling = (attempt: number): number => Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 30));
    for (const [i, c] of clients.entries()) {
      const states = c.states.slice(before[i]?.states ?? 0);
      const back = states.find((s) => s.to.state === 'subscribed');
      if (back !== undefined) resubscribedAfter.push(back.at - lostAt);
      for (const [j, s] of states.entries()) {
        if (s.to.state === 'connecting') attempts.push(s.at - lostAt);
        if (s.to.state !== 'reconnecting') continue;
        decisions++;
        const { attempt, delayMs } = s.to;
        // A Retry-After given with this refusal (reported just before the decision) is a floor.
        const ra = c.rateLimited.filter((r) => r.at <= s.at && r.at >= s.at - 50).at(-1)?.retryAfterMs;
        if (ra !== undefined) honouredRetryAfter++;
        const allowedMax = Math.max(ceiling(attempt), ra ?? 0);
        const next = states.slice(j + 1).find((n) => n.to.state === 'connecting' || n.to.state === 'stopped');
        const waited = next === undefined ? Infinity : next.at - s.at;
        if (delayMs > allowedMax || (ra !== undefined && delayMs < ra) || waited < delayMs - 2) violations++;
      }
    }
    attempts.sort((a, b) => a - b);
    resubscribedAfter.sort((a, b) => a - b);
    const refused429 = cc.emu.upgrades.slice(upgradesBefore).filter((u) => u.status === 429).length;
    // Whole seconds per row, at most about 25 rows.
    const bucket = 1_000 * Math.max(1, Math.ceil((attempts.at(-1) ?? 0) / 25_000));
    const buckets = new Map<number, number>();
    for (const t of attempts) buckets.set(Math.floor(t / bucket), (buckets.get(Math.floor(t / bucket)) ?? 0) + 1);
    const maxCount = Math.max(...buckets.values());
    const lastBucket = Math.max(...buckets.keys());
    const histogram: string[] = [];
    for (let b = 0; b <= lastBucket; b++) {
      const n = buckets.get(b) ?? 0;
      const from = (b * bucket) / 1000;
      histogram.push(
        `${String(from).padStart(3)}–${String(from + bucket / 1000).padEnd(3)} s ${String(n).padStart(4)} ${'█'.repeat(Math.round((n / maxCount) * 50))}`,
      );
    }
    const secs = (x: number): string => `${(x / 1000).toFixed(1)} s`;
    return {
      name: 'Herd',
      rows: [
        {
          metric: `${o.clients} clients lose the server → all resubscribed`,
          result: `${clients.length}/${clients.length} after ${secs(allBackAt - lostAt)}`,
          target: 'all',
          met: resubscribedAfter.length === clients.length,
        },
        { metric: 'reconnect attempts faster than the backoff allows', result: `${violations} of ${decisions}`, target: '0', met: violations === 0 },
        {
          metric: 'attempts spread (p10 / p50 / p90 after the loss)',
          result: `${secs(percentile(attempts, 10))} / ${secs(percentile(attempts, 50))} / ${secs(percentile(attempts, 90))}`,
          target: 'spread over time',
          met: undefined,
        },
      ],
      details: [
        `${o.clients} agents of one customer (a call centre), each with its own Listener and the default backoff (full jitter,`,
        `0.5 s doubling to 30 s), against the emulator with VoIPBIN's rate limits (per customer 17 requests/s, burst 33,`,
        `shared by every agent; WebSocket upgrades and catch-up REST calls both count). The server went away (connections`,
        `dropped, then refused) for ${secs(o.downMs)} and came back. ${attempts.length} connection attempts followed; ${refused429} upgrades were`,
        `refused with 429 and Retry-After, which ${honouredRetryAfter} backoff decisions had to honour. Every one of the ${decisions} decisions was`,
        'checked: delay ≤ the ceiling for its attempt (or Retry-After when larger), ≥ Retry-After when one was given, and',
        'the next attempt not earlier than the delay.',
        '',
        `Resubscribed: first ${secs(resubscribedAfter[0] ?? NaN)}, median ${secs(percentile(resubscribedAfter, 50))}, last ${secs(resubscribedAfter.at(-1) ?? NaN)} after the loss.`,
        '',
        `Connection attempts after the loss, per ${bucket / 1000} s:`,
        '',
        '```',
        ...histogram,
        '```',
      ],
    };
  } finally {
    for (const c of clients) c.listener.stop();
    await cc.emu.stop();
  }
}
