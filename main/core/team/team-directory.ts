import { z } from 'zod';
import { LRUCache } from 'lru-cache';
import type { RestClient } from '../api/index.js';
import type { Identity } from '../account/index.js';
import { isNotifierError, type Logger } from '../platform/index.js';
import { isUuid } from '../../../shared/topics.js';

/**
 * Who is who in team chat. A chat message carries only its sender's agent id and its chat's id
 * (PROTOCOL.md §3.7), so names come from what the token may read: the customer's agents
 * (`/service_agents/agents`, or `/agents` for an access key) and, for agents, the chat itself
 * (`/service_agents/talk_chats/{id}`). Everything here is text someone else chose: it is shown
 * only through the notification content's bounds.
 */
export interface TeamNames {
  agentName(agentId: string): string | undefined;
  /** A group chat's name; undefined for direct chats, unnamed ones and ones not known. */
  chatName(chatId: string): string | undefined;
  /**
   * Looks up what is not known yet about these ids. Resolves once it is known or after the
   * budget, whichever comes first (a slow server never holds a pop-up long); undefined when
   * there is nothing to wait for.
   */
  lookUp(q: { agentId?: string | undefined; chatId?: string | undefined }): Promise<void> | undefined;
}

export interface TeamDirectoryOptions {
  rest: RestClient;
  identity: Identity;
  logger: Logger;
  now?: () => number;
  /** How long a pop-up may wait for a name (default 800 ms). */
  budgetMs?: number;
  /** The agent list is read again for an unknown sender at most this often (default 60 s). */
  rereadAfterMs?: number;
}

const AgentSchema = z.object({ id: z.string(), name: z.string().optional(), username: z.string().optional() });
const ChatSchema = z.object({ id: z.string(), type: z.string().optional(), name: z.string().optional() });

/** How long a chat whose name could not be read (the server failing) is not asked again. */
const FAILURE_TTL_MS = 60_000;

/** A call centre has tens to hundreds of agents; 20 pages of 100 is far beyond that. */
const MAX_AGENT_PAGES = 20;

export class TeamDirectory implements TeamNames {
  private agents = new Map<string, string>();
  private reading: Promise<void> | undefined;
  private lastRead = Number.NEGATIVE_INFINITY;
  /** A chat's name, or null for a chat that has none to show (direct, unnamed, not readable). */
  private readonly chats = new LRUCache<string, { name: string | null }>({ max: 500, ttl: 10 * 60_000 });
  private readonly chatReads = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly o: TeamDirectoryOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger.child({ component: 'team' });
  }

  agentName(agentId: string): string | undefined {
    return this.agents.get(agentId);
  }

  chatName(chatId: string): string | undefined {
    return this.chats.get(chatId)?.name ?? undefined;
  }

  /** Reads the agent list (one read at a time); a failure is logged and names stay as they were. */
  load(): Promise<void> {
    this.reading ??= this.readAgents().finally(() => (this.reading = undefined));
    return this.reading;
  }

  lookUp(q: { agentId?: string | undefined; chatId?: string | undefined }): Promise<void> | undefined {
    const pending: Promise<void>[] = [];
    if (q.agentId !== undefined && isUuid(q.agentId) && !this.agents.has(q.agentId)) {
      // A teammate added since the last read: read again, but not on every message of a stranger.
      // abs(): a wall clock stepped back must not stop re-reads until it catches up.
      if (this.reading !== undefined) pending.push(this.reading);
      else if (Math.abs(this.now() - this.lastRead) >= (this.o.rereadAfterMs ?? 60_000)) pending.push(this.load());
    }
    // Only a UUID becomes part of a path: an id from a frame cannot point the request elsewhere.
    if (q.chatId !== undefined && isUuid(q.chatId) && this.o.identity.kind === 'agent' && !this.chats.has(q.chatId)) pending.push(this.readChat(q.chatId));
    if (pending.length === 0) return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.o.budgetMs ?? 800);
      timer.unref();
      void Promise.all(pending).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async readAgents(): Promise<void> {
    const path = this.o.identity.kind === 'agent' ? '/service_agents/agents' : '/agents';
    this.lastRead = this.now();
    try {
      const list = await this.o.rest.list(path, AgentSchema, { pageSize: 100, maxPages: MAX_AGENT_PAGES });
      const names = new Map<string, string>();
      for (const a of list) {
        const name = a.name?.trim() || a.username?.trim();
        if (name !== undefined && name !== '') names.set(a.id, name);
      }
      this.agents = names;
      this.log.debug(`knows the names of ${names.size} agents`);
    } catch (e) {
      this.log.info(`could not read the team's names (team chat shows "a teammate" until it can): ${isNotifierError(e) ? e.userMessage : String(e)}`);
    }
  }

  private readChat(chatId: string): Promise<void> {
    let read = this.chatReads.get(chatId);
    if (read === undefined) {
      read = this.o.rest
        .get(`/service_agents/talk_chats/${encodeURIComponent(chatId)}`, ChatSchema)
        .then(
          (chat) => {
            const name = chat.type !== 'direct' ? chat.name?.trim() : undefined;
            this.chats.set(chatId, { name: name !== undefined && name !== '' ? name : null });
          },
          (e: unknown) => {
            // Gone or not ours: nothing to show, for as long as names are kept. The server failing:
            // nothing for a minute, so a busy chat does not cost a request (and a wait) per message.
            const gone = isNotifierError(e) && (e.code === 'not_found' || e.code === 'forbidden');
            this.chats.set(chatId, { name: null }, gone ? {} : { ttl: FAILURE_TTL_MS });
            if (!gone) this.log.info(`could not read a team chat's name: ${isNotifierError(e) ? e.userMessage : String(e)}`);
          },
        )
        .finally(() => this.chatReads.delete(chatId));
      this.chatReads.set(chatId, read);
    }
    return read;
  }
}
