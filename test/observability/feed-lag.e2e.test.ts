/**
 * Feed lag on /metrics: a node that has not heard of another node's commit shows it, against the
 * log head both read. Two nodes share one log only on PostgreSQL, so this file always runs there
 * (an e2e file runs once), and skips with a line saying how to enable it when PostgreSQL is away.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newPlace, postgresSkipReason } from '../helpers/backends.ts';
import { startTestNode, waitFor } from '../helpers/node.ts';
import { parsePrometheus, value } from '../helpers/prometheus.ts';

const skip = await postgresSkipReason();

test("a node that has not heard of another node's commit shows it as feed lag, against the same log head", { skip }, async () => {
  const place = newPlace('postgres');
  const writer = await startTestNode({ ...place.env, BISTRO_BUS_CATCH_UP_MS: '600000' });
  // No bus, and a catch-up read far away: this node hears of the writer's commits only through its own.
  const deaf = await startTestNode({ ...place.env, BISTRO_BUS_CATCH_UP_MS: '600000' });
  try {
    const deafScrape = async () => parsePrometheus((await deaf.request('/metrics')).text);
    assert.equal(value(await deafScrape(), 'bistro_feed_lag_events'), 0, 'both start level with the log');
    await writer.guest();
    await writer.guest();
    const behind = await deafScrape();
    assert.equal(value(behind, 'bistro_event_log_head_sequence'), writer.core.feed.head(), 'the head is the log\'s, whichever node is asked');
    assert.equal(value(behind, 'bistro_feed_lag_events'), 0, 'guests append no events: still level');
    const admin = writer.adminToken;
    const created = await writer.request('/menu', { token: admin, json: { id: 'lag-soup', name: 'Lag soup', description: 'Late', category: 'starters', priceCents: 500, available: true, ingredients: [] } });
    assert.equal(created.status, 201, 'the writer appends an event');
    const lagging = await deafScrape();
    assert.equal(value(lagging, 'bistro_feed_lag_events'), 1, 'the deaf node is one event behind');
    assert.equal(value(lagging, 'bistro_feed_delivered_sequence') + 1, value(lagging, 'bistro_event_log_head_sequence'), 'delivered trails the head by that one');
    // A commit of its own makes the deaf node read the gap.
    const own = await fetch(`${deaf.url}/menu/lag-soup`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(own.status, 204, 'the deaf node appends one itself');
    await waitFor(async () => value(await deafScrape(), 'bistro_feed_lag_events') === 0);
  } finally {
    await deaf.close();
    await writer.close();
    await place.remove();
  }
});
