import { z } from 'zod';
import type { RestClient } from '../api/index.js';
import { type Identity, canSeeCustomerScope } from '../account/index.js';
import { parseVoipbinTime, isNotifierError } from '../platform/index.js';
import type { Resource } from './frames.js';

/**
 * REST reconciliation after every (re)connect. VoIPBIN has no replay (PROTOCOL.md §1.7): events
 * during a gap, or before the server finished binding our subscription, are gone from the socket,
 * so the current state of recent calls is fetched instead and fed through the same ordering as
 * frames. The notification layer turns it into "still ringing" and "missed while away".
 */
export interface CatchupRequest {
  /** Wall-clock ms since which events may be missing; undefined on the first connection. */
  since: number | undefined;
  /** Calls last seen not yet ended: fetched one by one if the listing does not reach back to them. */
  openCallIds: readonly string[];
}

export interface CatchupFetch {
  calls: Resource[];
  groupcalls: Resource[];
  /** Per-call lookups that failed (a call deleted meanwhile answers 404): reported, not fatal. */
  missing: string[];
}

const ResourceSchema = z.record(z.string(), z.unknown());

/** Calls created this long before the gap may still change during it (a long ring, a queue wait). */
const LOOKBACK_MICROS = 2 * 60 * 60 * 1_000_000;
const MAX_INDIVIDUAL_LOOKUPS = 50;

export async function fetchCatchup(rest: RestClient, id: Identity, req: CatchupRequest): Promise<CatchupFetch> {
  const sinceMicros = req.since === undefined ? undefined : req.since * 1000 - LOOKBACK_MICROS;
  const tooOld = (item: Resource): boolean => {
    if (sinceMicros === undefined) return false;
    const created = parseVoipbinTime(item.tm_create);
    return created !== undefined && created < sinceMicros;
  };
  // First connection: one page tells us what is ringing right now. After a gap: reach back to it.
  const paging = { pageSize: 100, maxPages: req.since === undefined ? 1 : 5, stop: tooOld };

  const calls: Resource[] = [];
  const groupcalls: Resource[] = [];
  const callPath = id.kind === 'agent' ? '/service_agents/calls' : '/calls';
  calls.push(...(await rest.list(callPath, ResourceSchema, paging)));
  if (id.kind === 'agent' && canSeeCustomerScope(id)) {
    calls.push(...(await rest.list('/calls', ResourceSchema, paging)));
  }
  if (id.kind === 'accesskey') {
    groupcalls.push(...(await rest.list('/groupcalls', ResourceSchema, paging)));
  }

  const listed = new Set(calls.map((c) => c.id));
  const missing: string[] = [];
  for (const callId of req.openCallIds.filter((c) => !listed.has(c)).slice(0, MAX_INDIVIDUAL_LOOKUPS)) {
    try {
      calls.push(await rest.get(`${callPath}/${encodeURIComponent(callId)}`, ResourceSchema));
    } catch (e) {
      if (isNotifierError(e) && e.code === 'not_found') missing.push(callId);
      else throw e;
    }
  }
  return { calls, groupcalls, missing };
}
