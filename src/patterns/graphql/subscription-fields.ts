/**
 * The Subscription root fields (DESIGN.md §5): `events(after, types)`, `order(id)` and
 * `messages(orderId)`. Each follows the feed from a cursor (no gap, no repeat), with the caller's
 * principal, so visibility is the feed's one rule; access to an order is checked by reading it
 * through the catalogue first, so another guest's order is `not_found` exactly as over REST.
 */
import { GraphQLID, GraphQLList, GraphQLNonNull, GraphQLString, type GraphQLFieldConfigMap } from 'graphql';
import { BistroError, changesSince, formatCursor, nowCursor, parseCursor, startCursor, type CloudEvent, type EventType, type Feed, type FeedFilter, type Following, type InvokeResult } from '../../core/core.ts';
import type { CatalogueTypes } from './catalogue-types.ts';
import type { GraphqlContext } from './graphql-context.ts';
import type { GraphqlArgs } from './operation-fields.ts';
import { createPushIterator } from './push-iterator.ts';

/** What a subscription needs of its WebSocket connection; only the WebSocket context has it. */
export interface LiveConnection {
  feed: Pick<Feed, 'follow' | 'head'>;
  /** `invoke` as the connection's principal, with the change tag `order(id)` compares events against. */
  invoke(operation: string, input: Record<string, unknown>): Promise<InvokeResult>;
  /** Values one subscription may hold unsent before the connection counts as a slow consumer. */
  maxQueued: number;
  /** True when the socket already holds more unsent bytes than allowed. */
  backedUp(): boolean;
  /** A slow consumer: the connection is closed (its other subscriptions end with it). */
  overflow(): void;
  /** The node is shutting down: the connection is closed. */
  closing(): void;
}

export interface LiveContext extends GraphqlContext {
  live: LiveConnection;
}

function liveOf(context: GraphqlContext): LiveConnection {
  const live = (context as Partial<LiveContext>).live;
  if (!live) throw new BistroError('validation_failed', 'Subscriptions travel over the WebSocket at /graphql (protocol graphql-transport-ws).');
  return live;
}

/** Where a source puts what it follows. */
interface Sink<T> {
  push: (value: T) => void;
  /** Ends the stream with this error once what is queued has been sent. */
  fail: (error: unknown) => void;
  /** A follow's `ready`: the backlog waits until the client has read half of what is queued. */
  room: () => Promise<void> | undefined;
}

/**
 * Starts a source (a follow) that pushes into a bounded iterator. A push finding the socket already
 * backed up cuts the connection too: the queue is empty then, but the client is not reading.
 * With `background`, the iterator is handed out before the source has started: a source paced by
 * `room` (a backlog) needs its reader already reading; a failure to start then ends the stream
 * with the error instead of refusing the subscription.
 */
async function stream<T>(live: LiveConnection, start: (sink: Sink<T>) => Promise<Following>, { background = false } = {}): Promise<AsyncIterableIterator<T>> {
  const started: { source?: Following } = {};
  let returned = false;
  const pushed = createPushIterator<T>({
    maxQueued: live.maxQueued,
    onOverflow: () => live.overflow(),
    onReturn: () => {
      returned = true;
      started.source?.close();
    },
  });
  const starting = start({ push: (value) => (live.backedUp() ? live.overflow() : pushed.push(value)), fail: pushed.fail, room: pushed.room }).then((source) => {
    started.source = source;
    // The client completed (or left) while the follow was starting.
    if (returned) source.close();
  });
  if (background) starting.catch(pushed.fail);
  else await starting;
  return pushed.iterator;
}

const orderSubject = (id: string) => `orders/${id}`;

/**
 * The order now, then again after every event that changed it. Re-reads are serialised and
 * coalesced: a burst of events answers with one read of the latest state, never an older one after a newer.
 */
function followOrder(live: LiveConnection, filter: FeedFilter, id: string): Promise<AsyncIterableIterator<unknown>> {
  const subject = orderSubject(id);
  const from = live.feed.head();
  let tag: number | undefined;
  let heard = 0;
  let reading = false;

  async function refresh(sink: Sink<unknown>): Promise<void> {
    if (reading || tag === undefined) return;
    reading = true;
    try {
      while (heard > tag) {
        const before: number = tag;
        const { output, tag: now = before } = await live.invoke('orders.get', { id });
        // A read that does not show the change yet (a lagging replica) waits for the next event.
        if (now <= before) break;
        tag = now;
        sink.push(output);
      }
    } catch (error) {
      sink.fail(error);
    } finally {
      reading = false;
    }
  }

  return stream<unknown>(live, async (sink) => {
    // Followed before the first read, so a change committed while it runs is heard.
    const following = await live.feed.follow(from, filter, {
      onEvent(event) {
        if (!changesSince(event, subject, heard)) return;
        heard = Number(event.sequence);
        void refresh(sink);
      },
      onEnd: () => live.closing(),
    });
    try {
      const first = await live.invoke('orders.get', { id });
      tag = first.tag ?? 0;
      sink.push(first.output);
    } catch (error) {
      following.close();
      throw error;
    }
    void refresh(sink);
    return following;
  });
}

/** The fields whose types the operations generated (all of them, with the whole catalogue). */
export function subscriptionFields(types: CatalogueTypes): GraphQLFieldConfigMap<unknown, GraphqlContext> {
  const [event, order, message] = ['Event', 'Order', 'Message'].map((name) => types.findObject(name));
  const passThrough = (payload: unknown) => payload;
  const fields: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
  if (event) {
    fields['events'] = {
      type: new GraphQLNonNull(event),
      description: 'Events after the cursor (from now when absent), then each new one: the backlog and the live tail with no gap and no repeat.',
      args: {
        after: { type: GraphQLString, description: 'Cursor: the sequence of the last event seen; "0" for the start; absent or "now" for from now.' },
        types: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)), description: 'Only these event types.' },
      },
      subscribe: async (_root, { after, types: only }: GraphqlArgs, context) => {
        const live = liveOf(context);
        // Absent is from now, as "now" is: the log's current end.
        const cursor = formatCursor(startCursor(typeof after === 'string' ? after : nowCursor, () => live.feed.head()));
        const eventTypes = Array.isArray(only) ? (only as EventType[]) : undefined;
        // Checked as the events query checks them: a bad cursor or type, or a pruned cursor, refuses the subscription.
        await context.call('events.list', { after: cursor, ...(eventTypes ? { types: eventTypes } : {}), limit: 1 });
        const filter: FeedFilter = { principal: context.principal, types: eventTypes };
        return stream<CloudEvent>(live, ({ push, room }) => live.feed.follow(parseCursor(cursor), filter, { onEvent: push, onEnd: () => live.closing(), ready: room }), { background: true });
      },
      resolve: passThrough,
    };
  }
  if (order) {
    fields['order'] = {
      type: new GraphQLNonNull(order),
      description: 'The order as it is now, then again each time it changes.',
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      subscribe: (_root, { id }: GraphqlArgs, context) => followOrder(liveOf(context), { principal: context.principal, subject: orderSubject(String(id)) }, String(id)),
      resolve: passThrough,
    };
  }
  if (message) {
    fields['messages'] = {
      type: new GraphQLNonNull(message),
      description: 'Each message posted on the order from now on.',
      args: { orderId: { type: new GraphQLNonNull(GraphQLID) } },
      subscribe: async (_root, { orderId }: GraphqlArgs, context) => {
        const live = liveOf(context);
        const from = live.feed.head();
        // Only who may read the order hears its messages; anyone else gets the same not_found as a read.
        await context.call('orders.get', { id: String(orderId) });
        const filter: FeedFilter = { principal: context.principal, types: ['order.message.posted'], subject: orderSubject(String(orderId)) };
        return stream<unknown>(live, ({ push }) => live.feed.follow(from, filter, { onEvent: (event) => push(event.data), onEnd: () => live.closing() }));
      },
      resolve: passThrough,
    };
  }
  return fields;
}
