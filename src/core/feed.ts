/**
 * The feed: how every event-driven pattern reads the log. `readEvents` pages through what a
 * principal may see; the doorbell (`ring`/`head`) tells this node how far the log has grown.
 * Waiting readers (long polling, SSE, WebSocket) will park on it when those patterns arrive.
 */
import type { CloudEvent, EventType } from '../domain/events.ts';
import type { Principal } from '../domain/roles.ts';
import { formatCursor } from './cursor.ts';
import type { StoreSession } from './store.ts';
import { audiencesFor } from './visibility.ts';

export interface FeedPage {
  items: CloudEvent[];
  /** Where to continue: the last sequence read, or the cursor given when nothing was new. */
  nextCursor: string;
}

export interface FeedQuery {
  after: number;
  types?: readonly EventType[] | undefined;
  limit: number;
}

/** One page of the events `principal` may see after the cursor. */
export async function readEvents(store: StoreSession, principal: Principal, { after, types, limit }: FeedQuery): Promise<FeedPage> {
  const items = await store.events.read({ after, types, audiences: audiencesFor(principal), limit });
  const last = items.at(-1);
  return { items, nextCursor: last ? last.sequence : formatCursor(after) };
}

export interface Feed {
  /** The log grew to `sequence` (rung after commits on this node, and later by the bus). */
  ring(sequence: number): void;
  /** The highest sequence this node has heard of: it changes whenever the log grows. */
  head(): number;
}

export function createFeed(): Feed {
  let highest = 0;
  return {
    head: () => highest,
    ring(sequence) {
      if (sequence > highest) highest = sequence;
    },
  };
}
