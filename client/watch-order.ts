/**
 * `watchOrder`: the order as it is now, then again each time it changes. Over graphql-ws it is
 * the `order(id)` subscription; over the other push patterns it follows the order's events and
 * reads the order after each. Either way a reconnection reads it again, and only a newer
 * `version` than the last one yielded is yielded: no stale order after a newer, no repeat.
 */
import type { Connection } from './connection.ts';
import { operationTable, type Order } from './generated/catalogue.ts';
import { fromGraphql, type Shape } from './request/graphql-shapes.ts';
import type { FollowOptions } from './types.ts';
import { currentEnd } from './follow/events-page.ts';
import { follow, stoppable } from './follow/index.ts';
import { subscribe } from './follow/graphql-ws.ts';
import { resume, retrying } from './follow/resume.ts';

export type WatchOrderOptions = Pick<FollowOptions, 'via' | 'signal' | 'retry' | 'onReconnect' | 'intervalMs' | 'waitSeconds'>;

/** The events that change an order (a message posted on it does not). */
const changes = ['order.placed', 'order.updated', 'order.accepted', 'order.preparing', 'order.ready', 'order.served', 'order.cancelled'];

const versionOf = (order: Order) => String(order.version);

/** The subscription selects what `orders.get` selects over GraphQL, so the order reads the same as there. */
function orderSubscription(): { query: string; shape: Shape | undefined } {
  const binding = operationTable['orders.get'].graphql as { document: string; outputShape?: Shape };
  return { query: binding.document.replace(/^\s*query\b/, 'subscription'), shape: binding.outputShape };
}

function viaGraphql(connection: Connection, id: string, options: WatchOrderOptions): AsyncIterableIterator<Order> {
  const { query, shape } = orderSubscription();
  return stoppable(
    (signal) =>
      resume<Order>(
        (context) => subscribe(connection, { query, variables: { id }, pick: (data) => fromGraphql(data['order'], shape) as Order, signal: context.signal, onConnected: () => context.connected() }),
        { after: undefined, types: undefined, signal, retry: options.retry, onReconnect: options.onReconnect, positionOf: versionOf },
      ),
    options.signal,
  );
}

/** Reads the order after the cursor is fixed, so a change between the two is still heard. */
async function* viaEvents(connection: Connection, id: string, options: WatchOrderOptions, signal: AbortSignal): AsyncGenerator<Order, void, undefined> {
  const subject = `orders/${id}`;
  const again = { signal, retry: options.retry, onReconnect: options.onReconnect };
  const read = () => retrying(async () => (await connection.call('orders.get', { id }, { signal })) as Order, again);
  try {
    const after = await retrying(() => currentEnd(connection, changes, signal), again);
    let last = await read();
    yield last;
    for await (const event of follow(connection, { ...options, after, types: changes, signal })) {
      if (event.subject !== subject) continue;
      const order = await read();
      if (order.version <= last.version) continue;
      last = order;
      yield order;
    }
  } catch (error) {
    // Stopping interrupts a read: that ends the watch, it is no failure.
    if (signal.aborted) return;
    throw error;
  }
}

export function watchOrder(connection: Connection, id: string, options: WatchOrderOptions = {}): AsyncIterableIterator<Order> {
  if ((options.via ?? 'sse') === 'graphql-ws') return viaGraphql(connection, id, options);
  return stoppable((signal) => viaEvents(connection, id, options, signal), options.signal);
}
