/**
 * The feed: how this node learns that the log grew, and how it tells everyone waiting on it.
 * A commit on this node hands its events over (`publish`); a bell from elsewhere says only "the
 * log reached N" (`ring`), and the feed then reads the missing events once, for all its
 * subscribers, never once per subscriber. Subscribers get events in sequence order, without gaps,
 * sorted out in memory by the one visibility rule.
 */
import { BistroError } from '../domain/errors.ts';
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

/** The answer to a cursor the log no longer reaches: never a silent gap. */
function resyncRequired(after: number, floor: number, head: number): BistroError {
  return new BistroError(
    'resync_required',
    `Events after ${after} up to ${floor} are no longer kept. Read the current state (GET /menu, GET /orders) and follow from cursor ${head}.`,
    [],
    { head: formatCursor(head), snapshot: '/orders' },
  );
}

/** One page of the events `principal` may see after the cursor, read from the log. */
export async function readEvents(store: Pick<StoreSession, 'events'>, principal: Principal, { after, types, limit }: FeedQuery): Promise<FeedPage> {
  const items = (await store.events.read({ after, types, audiences: audiencesFor(principal), limit })).map(({ event }) => event);
  // Checked after the read: a prune between the two cannot hand out a page with a hole in it.
  const floor = await store.events.floor();
  if (after < floor) throw resyncRequired(after, floor, await store.events.lastSequence());
  const last = items.at(-1);
  return { items, nextCursor: last ? last.sequence : formatCursor(after) };
}

export interface FeedFilter {
  /** Only events this principal may see reach the listener. */
  principal: Principal;
  /** Only these types; all when absent or empty. */
  types?: readonly EventType[] | undefined;
  /** Only events about this resource (`orders/ord_…`). */
  subject?: string | undefined;
}

export type FeedListener = (event: CloudEvent) => void;

/** Why a wait ended: something arrived, the time ran out, the client left, or the node is shutting down. */
export type WaitEnd = 'event' | 'timeout' | 'aborted' | 'closing';

export interface WaitOptions {
  /** The client went away: the wait ends at once and leaves nothing behind. */
  signal?: AbortSignal | undefined;
  timeoutMs: number;
}

/** A client parked on the feed: it hears every event its filter lets through from the moment it parked. */
export interface Parked {
  /** 'event' once an event heard since parking satisfies `predicate` (at once if one already has). */
  until(predicate: (event: CloudEvent) => boolean): Promise<WaitEnd>;
  /** The events heard so far (at most the park's `keep`), in order. */
  heard(): readonly CloudEvent[];
  /** Removes the listener and the timer; safe to call twice. Always call it. */
  end(): void;
}

export interface FollowHandlers {
  /** Every event the filter lets through after the cursor, in order, each once. */
  onEvent(event: CloudEvent): void;
  /**
   * Called once if the feed ends the follow: `closing`, the node is shutting down; `lost`, it could
   * not read on from the log after the client lagged (its cursor was pruned meanwhile, or the store
   * failed) and the client must reconnect from its last event.
   */
  onEnd(reason: 'closing' | 'lost'): void;
  /**
   * Awaited before each event of the backlog: resolves when the client has taken enough of what it
   * was sent (its socket drained), so a long backlog goes out at the client's pace instead of
   * piling up in memory. Live events are not held for it: a client too slow for those is the
   * pattern's to cut off. @default no wait
   */
  ready?(): Promise<void> | void;
  /**
   * Asked before each live event: undefined while the client keeps up. When it lags, a promise:
   * the follow takes no more live events (the log is the buffer), and once the promise resolves
   * (the client drained) it reads on from the log where it stopped, then goes live again; if it
   * rejects (the client never drained), the follow just stops. Without it, live events are
   * delivered as they come and a client too slow for them is the pattern's to cut off.
   */
  lagging?(): Promise<void> | undefined;
}

export interface Following {
  /** The last sequence handed to `onEvent`, or the starting cursor: where a client resumes. */
  position(): number;
  /** Stops the follow; `onEvent` is not called again. */
  close(): void;
}

export interface Feed {
  /** Sets the head and floor from the log, so a node that restarts does not believe the log is empty. Call once, before anything commits. */
  start(): Promise<void>;
  /** The highest sequence this node has heard of: it changes whenever the log grows. */
  head(): number;
  /** Events this node committed, in hand: delivered without reading the log. */
  publish(events: readonly LoggedEvent[]): void;
  /** The log grew to `sequence` somewhere (the bus): the missing events are read once and delivered. */
  ring(sequence: number): void;
  /** Calls `listener` for every later event `filter` lets through, until the returned function is called. */
  subscribe(filter: FeedFilter, listener: FeedListener): () => void;
  /** One page of what `filter` lets through after the cursor; `resync_required` when the cursor is below the retained log. */
  read(after: number, filter: FeedFilter, limit: number): Promise<FeedPage>;
  /** As `read`, but when the page would be empty, waits for the first visible event (or the end of the wait: an empty page). */
  wait(after: number, filter: FeedFilter, limit: number, options: WaitOptions): Promise<FeedPage>;
  /**
   * As `wait`, with the first page read by the caller (through its operation, which validates the
   * input and fills in the page size): parked before that read, so a long poll reads the log once.
   */
  waitAfter(first: () => Promise<{ page: FeedPage; limit: number }>, filter: FeedFilter, options: WaitOptions): Promise<FeedPage>;
  /** Starts hearing events now (keeping the last `keep`), to be asked about once the caller knows what it waits for. */
  park(filter: FeedFilter, options: WaitOptions & { keep?: number }): Parked;
  /** The backlog after the cursor from the log, then live events, with no gap and no repeat. Rejects (before any `onEvent`) on a bad cursor. */
  follow(after: number, filter: FeedFilter, handlers: FollowHandlers): Promise<Following>;
  /** Shutting down: every wait ends at once ('closing'), every follow ends, and new ones end as they start. */
  close(): void;
  /** Listeners now attached (parked requests, follows, subscriptions): a gauge, and how tests see that nothing leaks. */
  subscriberCount(): number;
  /** Waits parked now (long polls): `park` and `wait` that have not ended. */
  parkedCount(): number;
  /** The last sequence handed to subscribers: behind `head()` while missing events are read. */
  delivered(): number;
}

/** The largest page a waiting client may ask for (events.list's maximum): what a wait keeps while parked. */
const maxPage = 500;

export interface FeedDeps {
  store: Pick<StoreSession, 'events'>;
  /** Told when a listener throws or the log cannot be read; neither stops the feed. */
  logError: (error: unknown, where: string) => void;
  /** Events read per query while catching up. @default 500 events */
  readBatch?: number;
  /** Live events a follow holds while it reads its backlog; past it they are dropped and read from the log instead. @default 1000 events */
  holdLimit?: number;
}

interface Subscriber {
  filter: FeedFilter;
  listener: FeedListener;
}

function passes({ principal, types, subject }: FeedFilter, { event, audience }: LoggedEvent): boolean {
  if (!canSee(principal, audience)) return false;
  if (types && types.length > 0 && !types.includes(event.type)) return false;
  return subject === undefined || event.subject === subject;
}

export function createFeed({ store, logError, readBatch = 500, holdLimit = 1000 }: FeedDeps): Feed {
  let known = 0;
  let delivered = 0;
  /** Events in hand above `delivered`, waiting for the ones before them. */
  const pending = new Map<number, LoggedEvent>();
  const subscribers = new Set<Subscriber>();
  let pumping = false;
  let closed = false;
  /** What to do for each open wait and follow when the node shuts down. */
  const onClose = new Set<() => void>();
  let parked = 0;

  function fanOut(logged: LoggedEvent): void {
    for (const { filter, listener } of subscribers) {
      if (!passes(filter, logged)) continue;
      try {
        listener(logged.event);
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

  function subscribe(filter: FeedFilter, listener: FeedListener): () => void {
    const subscriber = { filter, listener };
    subscribers.add(subscriber);
    return () => subscribers.delete(subscriber);
  }

  /** A subject filter is not a query the log answers; it is applied here, to whole pages. */
  async function readPage(after: number, filter: FeedFilter, limit: number): Promise<{ page: FeedPage; full: boolean }> {
    const page = await readEvents(store, filter.principal, { after, types: filter.types, limit });
    const full = page.items.length === limit;
    if (filter.subject === undefined) return { page, full };
    return { page: { items: page.items.filter((event) => event.subject === filter.subject), nextCursor: page.nextCursor }, full };
  }

  function park(filter: FeedFilter, { signal, timeoutMs, keep = 100 }: WaitOptions & { keep?: number }): Parked {
    const heard: CloudEvent[] = [];
    let predicate: ((event: CloudEvent) => boolean) | undefined;
    let settle: ((end: WaitEnd) => void) | undefined;
    let outcome: WaitEnd | undefined;
    const finish = (end: WaitEnd) => {
      if (outcome !== undefined) return;
      outcome = end;
      parked--;
      unsubscribe();
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      onClose.delete(closing);
      settle?.(end);
    };
    const aborted = () => finish('aborted');
    const closing = () => finish('closing');
    const unsubscribe = subscribe(filter, (event) => {
      if (heard.length < keep) heard.push(event);
      if (predicate?.(event)) finish('event');
    });
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    parked++;
    signal?.addEventListener('abort', aborted, { once: true });
    onClose.add(closing);
    if (closed) closing();
    if (signal?.aborted) aborted();
    return {
      until(test) {
        if (heard.some(test)) return Promise.resolve('event');
        if (outcome !== undefined) return Promise.resolve(outcome);
        predicate = test;
        return new Promise((resolve) => (settle = resolve));
      },
      heard: () => heard,
      end: aborted,
    };
  }

  async function waitAfter(first: () => Promise<{ page: FeedPage; limit: number }>, filter: FeedFilter, options: WaitOptions): Promise<FeedPage> {
    // Parked before the read: whatever commits after the read is heard, so nothing falls between.
    const parked = park(filter, { ...options, keep: maxPage });
    try {
      const { page, limit } = await first();
      if (page.items.length > 0 || options.timeoutMs <= 0) return page;
      const after = Number(page.nextCursor);
      const isNew = (event: CloudEvent) => Number(event.sequence) > after;
      const end = await parked.until(isNew);
      const items = parked.heard().filter(isNew).slice(0, limit);
      const last = items.at(-1);
      if (last) return { items, nextCursor: last.sequence };
      // Something new came, but after the events the park had room to keep: the log has it.
      return end === 'event' ? (await first()).page : page;
    } finally {
      parked.end();
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
    subscribe,
    read: async (after, filter, limit) => (await readPage(after, filter, limit)).page,
    wait: (after, filter, limit, options) => waitAfter(async () => ({ page: (await readPage(after, filter, limit)).page, limit }), filter, options),
    waitAfter,
    park,
    async follow(after, filter, handlers) {
      let position = after;
      let live = false;
      let stopped = false;
      let overflowed = false;
      const held: CloudEvent[] = [];
      const deliver = (event: CloudEvent) => {
        const sequence = Number(event.sequence);
        if (stopped || sequence <= position) return;
        position = sequence;
        handlers.onEvent(event);
      };
      /** From `position` through the log at the client's pace, then what was held meanwhile; then live. */
      const catchUp = async () => {
        let cursor = position;
        for (let caughtUp = false; !caughtUp && !stopped; ) {
          const { page, full } = await readPage(cursor, filter, readBatch);
          for (const event of page.items) {
            if (handlers.ready) await handlers.ready();
            deliver(event);
          }
          cursor = Number(page.nextCursor);
          if (full) continue;
          // Too much arrived while catching up to hold: it is all in the log, so read on from there.
          if (overflowed) {
            overflowed = false;
            held.length = 0;
            continue;
          }
          caughtUp = true;
        }
        for (const event of held.splice(0)) deliver(event);
        live = true;
      };
      const stop = () => {
        stopped = true;
        unsubscribe();
        onClose.delete(closing);
      };
      const end = (reason: 'closing' | 'lost') => {
        if (stopped) return;
        stop();
        handlers.onEnd(reason);
      };
      const closing = () => end('closing');
      // Subscribed before the first read, so an event committed while the backlog is read is held, not lost.
      const unsubscribe = subscribe(filter, (event) => {
        if (!live) {
          if (held.length < holdLimit) held.push(event);
          else overflowed = true;
          return;
        }
        const lag = handlers.lagging?.();
        if (lag === undefined) return deliver(event);
        // This event and those after it stay in the log until the client has drained.
        live = false;
        held.length = 0;
        lag.then(
          () => catchUp().catch(() => end('lost')),
          () => stop(),
        );
      });
      onClose.add(closing);
      try {
        await catchUp();
      } catch (error) {
        stop();
        throw error;
      }
      if (closed) closing();
      return { position: () => position, close: stop };
    },
    subscriberCount: () => subscribers.size,
    parkedCount: () => parked,
    delivered: () => delivered,
    close() {
      closed = true;
      for (const end of [...onClose]) end();
    },
  };
}
