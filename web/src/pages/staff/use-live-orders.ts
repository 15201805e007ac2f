/**
 * Every order a staff member may see, kept live: read the log's end first, then list the orders,
 * then follow order events over SSE from that end, so nothing committed between the list and the
 * stream is missed. Each event carries the whole order; the higher version wins, so an event that
 * arrives after a fresher list (or a fresher answer to our own move) changes nothing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventType, Message, Order, OrderStatus } from 'bistro/client';
import { clientFor } from '../../bistro.ts';

const openStatuses: OrderStatus[] = ['placed', 'accepted', 'preparing', 'ready'];
const finishedStatuses: OrderStatus[] = ['served', 'cancelled'];
/** Newest first: the board shows the latest ten of each. */
const finishedRead = 10;

const orderTypes: EventType[] = ['order.placed', 'order.updated', 'order.accepted', 'order.preparing', 'order.ready', 'order.served', 'order.cancelled'];

export interface LiveOrders {
  /** Oldest first, as the kitchen works through them. */
  orders: Order[];
  loading: boolean;
  /** The first error that stopped the list or the stream (shown, never swallowed). */
  error: unknown;
  /** Put an order the server answered into the list now, without waiting for its event. */
  apply: (order: Order) => void;
}

/** Keeps the newer of two versions of the same order. */
function merged(previous: Map<string, Order>, order: Order): Map<string, Order> {
  const known = previous.get(order.id);
  if (known && known.version >= order.version) return previous;
  const next = new Map(previous);
  next.set(order.id, order);
  return next;
}

/** `onMessage` hears order.message.posted events too (the waiter's unread markers). */
export function useLiveOrders(token: string, onMessage?: (message: Message) => void): LiveOrders {
  const [byId, setById] = useState<Map<string, Order>>(new Map());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const wantsMessages = onMessage !== undefined;
  // The latest callback, read by the stream without restarting it on every render.
  const messageListener = useRef(onMessage);
  messageListener.current = onMessage;

  const apply = useCallback((order: Order) => setById((previous) => merged(previous, order)), []);

  useEffect(() => {
    const stop = new AbortController();
    const client = clientFor(token);
    setById(new Map());
    setLoading(true);
    setError(undefined);
    void (async () => {
      try {
        const { nextCursor: after } = await client.events.list({ after: 'now' });
        // Every open order, but only the latest finished ones: served and cancelled grow all
        // evening, and a board opened late must not read the whole history first.
        for (const status of openStatuses) {
          let cursor: string | undefined;
          do {
            const page = await client.orders.list({ status, ...(cursor === undefined ? {} : { cursor }) });
            setById((previous) => page.items.reduce(merged, previous));
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined && !stop.signal.aborted);
        }
        for (const status of finishedStatuses) {
          const page = await client.orders.list({ status, limit: finishedRead });
          setById((previous) => page.items.reduce(merged, previous));
        }
        setLoading(false);
        const types: EventType[] = wantsMessages ? [...orderTypes, 'order.message.posted'] : orderTypes;
        for await (const event of client.follow({ after, types, via: 'sse', signal: stop.signal })) {
          if (event.type === 'order.message.posted') messageListener.current?.(event.data as Message);
          else apply(event.data as Order);
        }
      } catch (caught) {
        if (!stop.signal.aborted) {
          setError(caught);
          setLoading(false);
        }
      }
    })();
    return () => stop.abort();
  }, [token, apply, wantsMessages]);

  const orders = [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { orders, loading, error, apply };
}
