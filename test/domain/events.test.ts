/** Event types: given an order reaches a status, then the log tells it as this event type. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventTypes, statusEventType } from '../../src/domain/events.ts';
import { orderStatuses } from '../../src/domain/order.ts';

test('each order status is told as its own event type', () => {
  assert.deepEqual(
    Object.fromEntries(orderStatuses.map((status) => [status, statusEventType(status)])),
    {
      placed: 'order.placed',
      accepted: 'order.accepted',
      preparing: 'order.preparing',
      ready: 'order.ready',
      served: 'order.served',
      cancelled: 'order.cancelled',
    },
    'status → event type',
  );
});

test('every status event is a known event type', () => {
  for (const status of orderStatuses) assert.ok(eventTypes.includes(statusEventType(status)), `${status} has a known type`);
});

test('the event types subscribers may filter on', () => {
  assert.deepEqual(
    [...eventTypes],
    [
      'menu.item.created',
      'menu.item.updated',
      'menu.item.deleted',
      'order.placed',
      'order.updated',
      'order.accepted',
      'order.preparing',
      'order.ready',
      'order.served',
      'order.cancelled',
      'order.message.posted',
      'webhook.endpoint.disabled',
      'key.revoked',
    ],
    'the published list',
  );
});
