/** Who a message is from: given who is signed in, when they post on an order's conversation, then it reads as from… */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorOf } from '../../src/domain/message.ts';
import type { Principal } from '../../src/domain/roles.ts';

const ada: Principal = { id: 'gst_ada', role: 'guest', name: 'Ada', table: 7 };

test('the guest at table 7 writes as the guest', () => {
  assert.equal(authorOf(ada), 'guest', 'Ada');
});

test('the kitchen writes as the kitchen ("we are out of basil")', () => {
  assert.equal(authorOf({ id: 'key_stove', role: 'kitchen', name: 'stove' }), 'kitchen', 'the stove');
});

test('the waiter writes as the waiter', () => {
  assert.equal(authorOf({ id: 'key_floor', role: 'waiter', name: 'floor' }), 'waiter', 'the floor');
});

test('the admin speaks to guests as the front of house, so as a waiter', () => {
  assert.equal(authorOf({ id: 'admin', role: 'admin', name: 'admin' }), 'waiter', 'the admin');
});

test('authors are always one of guest, waiter, kitchen: nobody writes as the admin', () => {
  const roles = ['guest', 'waiter', 'kitchen', 'admin'] as const;
  assert.deepEqual(new Set(roles.map((role) => authorOf({ id: role, role, name: role }))), new Set(['guest', 'waiter', 'kitchen']), 'the authors');
});
