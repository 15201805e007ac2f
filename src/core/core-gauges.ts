/**
 * Gauges the core reads at each scrape from what it keeps anyway: the log's head in the store, how
 * far this node's feed has handed events on, parked waits, and the webhook queue's backlog. The
 * store-backed ones describe the whole deployment (every node sharing the store reports the same).
 */
import type { Feed } from './feed.ts';
import type { Metrics } from './metrics.ts';
import type { Store } from './store.ts';

export interface GaugeSources {
  store: Store;
  feed: Pick<Feed, 'delivered' | 'parkedCount'>;
  clock: () => Date;
}

export function reportCoreGauges(metrics: Pick<Metrics, 'gauge'>, { store, feed, clock }: GaugeSources): void {
  metrics.gauge('bistro_event_log_head_sequence', 'The last sequence in the event log (the store: every node sees the same).', () => store.events.lastSequence());
  metrics.gauge('bistro_feed_delivered_sequence', "The last sequence this node's feed handed to its subscribers.", () => feed.delivered());
  metrics.gauge('bistro_feed_lag_events', "Events in the log this node's feed has not handed on yet (head minus delivered).", async () => Math.max(0, (await store.events.lastSequence()) - feed.delivered()));
  metrics.gauge('bistro_long_polls_parked', 'Long polls held open on this node, waiting for a change or an event.', () => feed.parkedCount());
  metrics.gauge('bistro_webhook_deliveries_pending', 'Webhook deliveries not yet delivered or failed for good (parked ones of disabled endpoints included).', async () => (await store.deliveries.backlog(clock().getTime())).pending);
  metrics.gauge('bistro_webhook_delivery_lag_seconds', 'How long the oldest delivery that is due and not being sent has waited (0 when none is late).', async () => {
    const now = clock().getTime();
    const { oldestDueAt } = await store.deliveries.backlog(now);
    return oldestDueAt === null ? 0 : Math.max(0, now - oldestDueAt) / 1000;
  });
  metrics.gauge('bistro_webhook_endpoints_disabled', 'Webhook endpoints disabled (failing too long, 410 Gone, or by their owner).', () => store.webhooks.countDisabled());
}
