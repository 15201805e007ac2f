/**
 * Watches the current order through the chosen pattern with ONE metered client, so the meter shows
 * what that pattern alone costs this page. A new pattern or a new order aborts the old watch,
 * resets the meter and starts again; a finished order (served, cancelled) stops the watch, since
 * nothing more will change.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Order, PushVia } from 'bistro/client';
import { meteredClient } from '../../bistro.ts';
import { CostMeter } from '../../meter.ts';

const finished = new Set(['served', 'cancelled']);

export function useOrderWatch(token: string, order: Order | undefined, via: PushVia, onOrder: (order: Order) => void): { meter: CostMeter; error: unknown; watching: boolean } {
  const meter = useMemo(() => new CostMeter(), []);
  const client = useMemo(() => meteredClient(token, meter), [token, meter]);
  const [error, setError] = useState<unknown>();
  const orderId = order?.id;
  // Already finished when the page learnt of it (an earlier visit): nothing to watch.
  const ended = order !== undefined && finished.has(order.status);

  useEffect(() => {
    // A new pattern starts counting from zero, even before there is an order to watch.
    meter.reset();
    setError(undefined);
    if (orderId === undefined || ended) return;
    const stop = new AbortController();
    // What the page already knows, so only answers that tell it something new count as news.
    const seen = new Set<string>();
    void (async () => {
      try {
        const options = via === 'poll' ? { via, signal: stop.signal, intervalMs: 1000 } : { via, signal: stop.signal };
        for await (const current of client.watchOrder(orderId, options)) {
          const key = `${current.status}@${current.version}`;
          if (!seen.has(key)) {
            seen.add(key);
            meter.add({ news: 1 });
          }
          onOrder(current);
          if (finished.has(current.status)) break;
        }
      } catch (caught) {
        if (!stop.signal.aborted) setError(caught);
      }
    })();
    return () => stop.abort();
    // onOrder is the page's stable upsert; `ended` only matters when the watch starts.
  }, [orderId, via, client, meter]);

  return { meter, error, watching: orderId !== undefined && !ended };
}
