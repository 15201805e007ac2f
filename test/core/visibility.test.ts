/** Who sees which events: given who is reading the feed, when an event for some audience comes by, then they see it or not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audiencesFor, canSee } from '../../src/core/visibility.ts';
import { anonymous, isStaff, staffRoles, type Principal } from '../../src/domain/roles.ts';

const ada: Principal = { id: 'gst_ada', role: 'guest', name: 'Ada', table: 7 };
const bob: Principal = { id: 'gst_bob', role: 'guest', name: 'Bob', table: 9 };
const kitchen: Principal = { id: 'key_stove', role: 'kitchen', name: 'stove' };
const waiter: Principal = { id: 'key_floor', role: 'waiter', name: 'floor' };
const admin: Principal = { id: 'admin', role: 'admin', name: 'admin' };

test('the kitchen, the waiter and the admin read the whole feed', () => {
  for (const staff of [kitchen, waiter, admin]) {
    assert.equal(audiencesFor(staff), null, `${staff.role} reads every audience`);
    for (const audience of ['public', 'staff', ada.id, bob.id]) assert.ok(canSee(staff, audience), `${staff.role} sees ${audience}`);
  }
});

test('a guest sees the public menu and their own orders, not staff events nor another guest', () => {
  assert.deepEqual(audiencesFor(ada), ['public', ada.id], "Ada's audiences");
  assert.ok(canSee(ada, 'public'), 'Ada sees public events');
  assert.ok(canSee(ada, ada.id), 'Ada sees her own orders');
  assert.ok(!canSee(ada, bob.id), "Ada does not see Bob's orders");
  assert.ok(!canSee(ada, 'staff'), 'Ada does not see staff events');
});

test('someone not signed in sees only public events', () => {
  assert.deepEqual(audiencesFor(anonymous), ['public'], 'anonymous audiences');
  assert.ok(canSee(anonymous, 'public'), 'anonymous sees public events');
  for (const audience of ['staff', ada.id, anonymous.id]) assert.ok(!canSee(anonymous, audience), `anonymous does not see ${audience}`);
});

test('staff are exactly the waiter, the kitchen and the admin', () => {
  assert.deepEqual([...staffRoles], ['waiter', 'kitchen', 'admin'], 'the staff roles');
  for (const role of staffRoles) assert.ok(isStaff({ id: `key_${role}`, role, name: role }), `${role} is staff`);
  assert.ok(!isStaff(ada), 'a guest is not staff');
  assert.ok(!isStaff(anonymous), 'anonymous is not staff');
});

test('the anonymous principal is the one everybody is before signing in', () => {
  assert.deepEqual(anonymous, { id: 'anonymous', role: 'anonymous', name: 'anonymous' }, 'the anonymous principal');
});

test('the feed’s check (canSee) and the query’s list (audiencesFor) are the same rule', () => {
  for (const principal of [ada, bob, kitchen, waiter, admin, anonymous]) {
    for (const audience of ['public', 'staff', ada.id, bob.id, anonymous.id, kitchen.id]) {
      const audiences = audiencesFor(principal);
      const listed = audiences === null || audiences.includes(audience);
      assert.equal(canSee(principal, audience), listed, `${principal.id} and ${audience}: the feed and the query agree`);
    }
  }
});
