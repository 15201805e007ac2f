/** Who a message is from: given who is signed in, when they post on an order's conversation, then it reads as from… */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorOf, messageAuthors } from '../../src/domain/message.ts';
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

test('the admin writes as the admin, not as a waiter it is not', () => {
  assert.equal(authorOf({ id: 'admin', role: 'admin', name: 'admin' }), 'admin', 'the admin');
});

test('every signed-in role has its own label, and every label is a declared author', () => {
  const roles = ['guest', 'waiter', 'kitchen', 'admin'] as const;
  assert.deepEqual(roles.map((role) => authorOf({ id: role, role, name: role })), [...roles], 'one label per role');
  assert.deepEqual([...messageAuthors].sort(), [...roles].sort(), 'the schema declares exactly these');
});

test('an anonymous caller has no label: the operation never lets one post', () => {
  assert.throws(() => authorOf({ id: 'anonymous', role: 'anonymous', name: 'anonymous' }), /anonymous/, 'a programming error, not a label');
});
