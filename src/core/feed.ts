/**
 * The feed: how every event-driven pattern reads the log. `read` pages through what a principal
 * may see; `waitForNew` parks a reader until the log grows past its cursor (the local doorbell,
 * rung after each commit on this node and, with a bus, by other nodes).
 */
import { EventEmitter } from 'node:events';
import type { CloudEvent, EventType } from '../domain/events.ts';
import type { Principal } from '../domain/roles.ts';
import { formatCursor } from './cursor.ts';
import type { Store, StoreSession } from './store.ts';
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
  read(principal: Principal, query: FeedQuery): Promise<FeedPage>;
  /** Resolves once the log may hold something after `after`, or when `timeoutMs` passes or `signal` aborts. */
  waitForNew(after: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** The log grew to `sequence` (rung after commits). */
  ring(sequence: number): void;
  /** The highest sequence this node has heard of: it changes whenever the log grows. */
  head(): number;
}

export function createFeed(store: Store): Feed {
  const doorbell = new EventEmitter();
  doorbell.setMaxListeners(0);
  let highest = 0;

  return {
    read: (principal, query) => readEvents(store, principal, query),

    async waitForNew(after, timeoutMs, signal) {
      if (highest === 0) highest = await store.events.lastSequence();
      if (highest > after || signal?.aborted) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          doorbell.off('ring', onRing);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const onRing = (sequence: number) => {
          if (sequence > after) done();
        };
        const timer = setTimeout(done, timeoutMs);
        doorbell.on('ring', onRing);
        signal?.addEventListener('abort', done);
      });
    },

    head: () => highest,

    ring(sequence) {
      if (sequence <= highest) return;
      highest = sequence;
      doorbell.emit('ring', sequence);
    },
  };
}
