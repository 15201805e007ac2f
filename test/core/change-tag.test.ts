/** "Did this resource change since tag X?" answered from an event in hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changesSince } from '../../src/core/change-tag.ts';
import type { CloudEvent, EventType } from '../../src/domain/events.ts';

const event = (type: EventType, subject: string, sequence: number): CloudEvent => ({
  specversion: '1.0',
  id: `evt_${sequence}`,
  source: '/bistro',
  type,
  subject,
  time: '2026-11-30T12:00:00.000Z',
  sequence: String(sequence),
  datacontenttype: 'application/json',
  data: null,
});

test('a later change of the same resource is a change', () => {
  assert.equal(changesSince(event('order.accepted', 'orders/ord_1', 8), 'orders/ord_1', 7), true, 'accepted after tag 7');
});

test('the state the tag names, or an older one, is no change', () => {
  assert.equal(changesSince(event('order.placed', 'orders/ord_1', 7), 'orders/ord_1', 7), false, 'the very event of the tag');
  assert.equal(changesSince(event('order.placed', 'orders/ord_1', 6), 'orders/ord_1', 7), false, 'an older event');
});

test('another resource, or a message on this one, is no change', () => {
  assert.equal(changesSince(event('order.accepted', 'orders/ord_2', 9), 'orders/ord_1', 7), false, 'another order');
  assert.equal(changesSince(event('order.message.posted', 'orders/ord_1', 9), 'orders/ord_1', 7), false, 'a message leaves the order as it was');
});

test('a deletion is a change', () => {
  assert.equal(changesSince(event('menu.item.deleted', 'menu/lemonade', 12), 'menu/lemonade', 11), true, 'deleted after tag 11');
});
