/**
 * The feed: how this node learns that the log grew, and how it tells everyone waiting on it.
 * A commit on this node hands its events over (`publish`); a bell from elsewhere says only "the
 * log reached N" (`ring`), and the feed then reads the missing events once, for all its
 * subscribers, never once per subscriber. Subscribers get events in sequence order, without gaps,
 * sorted out in memory by the one visibility rule.
 */
import type { CloudEvent, EventType, LoggedEvent } from '../domain/events.ts';
import type { Principal } from '../domain/roles.ts';
import { formatCursor } from './cursor.ts';
import type { StoreSession } from './store.ts';
import { audiencesFor, canSee } from './visibility.ts';

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

/** One page of the events `principal` may see after the cursor, read from the log. */
export async function readEvents(store: StoreSession, principal: Principal, { after, types, limit }: FeedQuery): Promise<FeedPage> {
  const items = (await store.events.read({ after, types, audiences: audiencesFor(principal), limit })).map(({ event }) => event);
  const last = items.at(-1);
  return { items, nextCursor: last ? last.sequence : formatCursor(after) };
}

export interface FeedFilter {
  /** Only events this principal may see reach the listener. */
  principal: Principal;
  /** Only these types; all when absent or empty. */
  types?: readonly EventType[] | undefined;
}

export type FeedListener = (event: CloudEvent) => void;

export interface Feed {
  /** Sets the head from the log, so a node that restarts does not believe the log is empty. Call once, before anything commits. */
  start(): Promise<void>;
  /** The highest sequence this node has heard of: it changes whenever the log grows. */
  head(): number;
  /** Events this node committed, in hand: delivered without reading the log. */
  publish(events: readonly LoggedEvent[]): void;
  /** The log grew to `sequence` somewhere (the bus): the missing events are read once and delivered. */
  ring(sequence: number): void;
  /** Calls `listener` for every later event `filter` lets through, until the returned function is called. */
  subscribe(filter: FeedFilter, listener: FeedListener): () => void;
}

export interface FeedDeps {
  store: Pick<StoreSession, 'events'>;
  /** Told when a listener throws or the log cannot be read; neither stops the feed. */
  logError: (error: unknown, where: string) => void;
  /** Events read per query while catching up. @default 500 events */
  readBatch?: number;
}

interface Subscriber {
  filter: FeedFilter;
  listener: FeedListener;
}

export function createFeed({ store, logError, readBatch = 500 }: FeedDeps): Feed {
  let known = 0;
  let delivered = 0;
  /** Events in hand above `delivered`, waiting for the ones before them. */
  const pending = new Map<number, LoggedEvent>();
  const subscribers = new Set<Subscriber>();
  let pumping = false;

  function fanOut({ event, audience }: LoggedEvent): void {
    for (const { filter, listener } of subscribers) {
      if (!canSee(filter.principal, audience)) continue;
      if (filter.types && filter.types.length > 0 && !filter.types.includes(event.type)) continue;
      try {
        listener(event);
      } catch (error) {
        logError(error, 'feed subscriber');
      }
    }
  }

  /** Delivers everything up to `known` in order; one pump at a time, so no event is delivered twice. */
  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (delivered < known) {
        const next = pending.get(delivered + 1);
        if (next) {
          pending.delete(delivered + 1);
          delivered++;
          fanOut(next);
          continue;
        }
        // A gap: events committed elsewhere. The log is the truth; one read serves every subscriber.
        const read = await store.events.read({ after: delivered, audiences: null, limit: readBatch });
        // Not readable yet: the next bell or commit tries again.
        if (read.length === 0) break;
        for (const logged of read) {
          const sequence = Number(logged.event.sequence);
          if (sequence <= delivered) continue;
          pending.delete(sequence);
          delivered = sequence;
          if (sequence > known) known = sequence;
          fanOut(logged);
        }
      }
    } catch (error) {
      logError(error, 'feed catching up with the log');
    } finally {
      pumping = false;
    }
  }

  return {
    async start() {
      known = delivered = await store.events.lastSequence();
      pending.clear();
    },
    head: () => known,
    publish(events) {
      for (const logged of events) {
        const sequence = Number(logged.event.sequence);
        if (sequence <= delivered) continue;
        pending.set(sequence, logged);
        if (sequence > known) known = sequence;
      }
      void pump();
    },
    ring(sequence) {
      if (sequence <= known) return;
      known = sequence;
      void pump();
    },
    subscribe(filter, listener) {
      const subscriber = { filter, listener };
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
  };
}
