/** This guest's orders, newest first: loaded once from orders.list, then kept up to date by whatever learns of a change. */
import { useCallback, useEffect, useState } from 'react';
import type { Order } from 'bistro/client';
import { clientFor } from '../../bistro.ts';

function newestFirst(orders: Order[]): Order[] {
  return [...orders].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** `incoming` merged into `known`: an older version never replaces a newer one (a list read may race a watch). */
function merge(known: Order[], incoming: Order[]): Order[] {
  const byId = new Map(known.map((order) => [order.id, order]));
  let changed = false;
  for (const order of incoming) {
    const existing = byId.get(order.id);
    if (existing && existing.version >= order.version) continue;
    byId.set(order.id, order);
    changed = true;
  }
  return changed ? newestFirst([...byId.values()]) : known;
}

export function useGuestOrders(token: string): { orders: Order[]; upsert: (order: Order) => void; error: unknown } {
  const [orders, setOrders] = useState<Order[]>([]);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    let live = true;
    setOrders([]);
    setError(undefined);
    clientFor(token)
      .orders.list({ limit: 20 })
      .then(
        (page) => live && setOrders((known) => merge(known, page.items)),
        (caught: unknown) => live && setError(caught),
      );
    return () => {
      live = false;
    };
  }, [token]);

  // Stable, so the watch effect does not restart for every render.
  const upsert = useCallback((order: Order) => setOrders((known) => merge(known, [order])), []);

  return { orders, upsert, error };
}
