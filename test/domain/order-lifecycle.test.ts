/** The order lifecycle of DESIGN.md §3 as given / when / then: given an order in a status, when someone moves it, then… */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BistroError } from '../../src/domain/errors.ts';
import { canTransition, changeItems, isFinal, nextStatuses, orderStatuses, transition, type Order, type OrderStatus } from '../../src/domain/order.ts';
import type { Role } from '../../src/domain/roles.ts';

const placedAt = '2024-05-01T12:00:00.000Z';
const later = '2024-05-01T12:05:00.000Z';

function givenAnOrder(status: OrderStatus, version = 3): Order {
  return {
    id: 'ord_01hx0000000000000000000000',
    guestId: 'gst_ada',
    table: 7,
    status,
    items: [{ menuItemId: 'fish-and-chips', name: 'Fish and chips', quantity: 1, adjustments: { salt: 0, fish: 2 }, note: '', priceCents: 1450 }],
    totalCents: 1450,
    version,
    createdAt: placedAt,
    updatedAt: placedAt,
  };
}

/** given `from`, when `role` moves it to `to`, then it is `to`, one version on, stamped now, otherwise untouched. */
function moves(from: OrderStatus, role: Role, to: OrderStatus): void {
  const before = givenAnOrder(from);
  const after = transition(before, to, role, later);
  assert.deepEqual(after, { ...before, status: to, version: before.version + 1, updatedAt: later }, `${from} → ${to} by ${role}`);
  assert.equal(before.status, from, 'the order given is not changed in place');
}

/** given `from`, when `role` tries to move it to `to`, then invalid_transition. */
function refuses(from: OrderStatus, role: Role, to: OrderStatus): BistroError {
  assert.equal(canTransition(from, to, role), false, `canTransition ${from} → ${to} by ${role}`);
  let caught: unknown;
  try {
    transition(givenAnOrder(from), to, role, later);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BistroError, `${from} → ${to} by ${role} was not refused`);
  assert.equal(caught.code, 'invalid_transition', `${from} → ${to} by ${role}: the code`);
  assert.equal(caught.status, 409, `${from} → ${to} by ${role}: the status`);
  return caught;
}

test('placed, the waiter accepts it: accepted', () => moves('placed', 'waiter', 'accepted'));
test('accepted, the kitchen starts cooking: preparing', () => moves('accepted', 'kitchen', 'preparing'));
test('preparing, the kitchen plates it: ready', () => moves('preparing', 'kitchen', 'ready'));
test('ready, the waiter carries it out: served', () => moves('ready', 'waiter', 'served'));
test('the admin is staff too: placed, the admin accepts it', () => moves('placed', 'admin', 'accepted'));

test('placed, the guest changes their mind: cancelled', () => moves('placed', 'guest', 'cancelled'));
test('accepted, the guest still may cancel', () => moves('accepted', 'guest', 'cancelled'));
test('preparing, the guest may no longer cancel, and is told so as a guest', () => {
  assert.match(refuses('preparing', 'guest', 'cancelled').message, /preparing cannot become cancelled by a guest/);
});
test('preparing, the waiter may still cancel (the fish burnt)', () => moves('preparing', 'waiter', 'cancelled'));
test('ready, nobody cancels any more', () => {
  for (const role of ['guest', 'waiter', 'kitchen', 'admin'] as const) refuses('ready', role, 'cancelled');
});

test('a guest never moves their order along the kitchen line', () => {
  refuses('placed', 'guest', 'accepted');
  refuses('accepted', 'guest', 'preparing');
  refuses('preparing', 'guest', 'ready');
  refuses('ready', 'guest', 'served');
});

test('the kitchen does not skip steps: placed is not straight to ready or served', () => {
  refuses('placed', 'kitchen', 'preparing');
  refuses('placed', 'kitchen', 'ready');
  refuses('accepted', 'waiter', 'served');
});

test('there is no going back: ready does not become preparing, nor accepted placed', () => {
  refuses('ready', 'kitchen', 'preparing');
  refuses('accepted', 'waiter', 'placed');
});

test('served and cancelled are final: nobody moves them anywhere, not even to where they are', () => {
  for (const from of ['served', 'cancelled'] as const) {
    assert.ok(isFinal(from), `${from} is final`);
    for (const to of orderStatuses) for (const role of ['guest', 'waiter', 'kitchen', 'admin'] as const) refuses(from, role, to);
  }
  assert.deepEqual(
    orderStatuses.filter((status) => isFinal(status)),
    ['served', 'cancelled'],
  );
});

test('someone not signed in moves nothing', () => {
  for (const from of orderStatuses) assert.deepEqual(nextStatuses(from, 'anonymous'), []);
  refuses('placed', 'anonymous', 'cancelled');
});

test('what each role may do next, status by status', () => {
  const table = Object.fromEntries(orderStatuses.map((from) => [from, { guest: nextStatuses(from, 'guest'), staff: nextStatuses(from, 'waiter') }]));
  assert.deepEqual(table, {
    placed: { guest: ['cancelled'], staff: ['accepted', 'cancelled'] },
    accepted: { guest: ['cancelled'], staff: ['preparing', 'cancelled'] },
    preparing: { guest: [], staff: ['ready', 'cancelled'] },
    ready: { guest: [], staff: ['served'] },
    served: { guest: [], staff: [] },
    cancelled: { guest: [], staff: [] },
  });
  for (const from of orderStatuses) {
    assert.deepEqual(nextStatuses(from, 'kitchen'), nextStatuses(from, 'waiter'), `kitchen and waiter agree on ${from}`);
    assert.deepEqual(nextStatuses(from, 'admin'), nextStatuses(from, 'waiter'), `admin and waiter agree on ${from}`);
  }
});

test('placed, the guest swaps the fish for soup: new items and total, one version on', () => {
  const before = givenAnOrder('placed');
  const soup = { menuItemId: 'tomato-soup', name: 'Tomato soup', quantity: 2, adjustments: {}, note: '', priceCents: 1300 };
  const after = changeItems(before, { items: [soup], totalCents: 1300 }, later);
  assert.deepEqual(after, { ...before, items: [soup], totalCents: 1300, version: before.version + 1, updatedAt: later });
});

test('accepted, the items can no longer change', () => {
  for (const status of orderStatuses.filter((status) => status !== 'placed')) {
    assert.throws(
      () => changeItems(givenAnOrder(status), { items: [], totalCents: 0 }, later),
      (error: unknown) => error instanceof BistroError && error.code === 'invalid_transition' && error.message.includes(status),
    );
  }
});

/** The whole lifecycle of DESIGN.md §3, written out apart from the domain's table: each legal move and who may make it. */
const legalMoves: Record<string, readonly Role[]> = {
  'placed → accepted': ['waiter', 'kitchen', 'admin'],
  'placed → cancelled': ['guest', 'waiter', 'kitchen', 'admin'],
  'accepted → preparing': ['waiter', 'kitchen', 'admin'],
  'accepted → cancelled': ['guest', 'waiter', 'kitchen', 'admin'],
  'preparing → ready': ['waiter', 'kitchen', 'admin'],
  'preparing → cancelled': ['waiter', 'kitchen', 'admin'],
  'ready → served': ['waiter', 'kitchen', 'admin'],
};
const everyRole = ['anonymous', 'guest', 'waiter', 'kitchen', 'admin'] as const satisfies readonly Role[];

test('every from × to × role: exactly the legal moves succeed, everything else is invalid_transition', () => {
  let allowed = 0;
  for (const from of orderStatuses) {
    for (const to of orderStatuses) {
      for (const role of everyRole) {
        const legal = legalMoves[`${from} → ${to}`]?.includes(role) ?? false;
        assert.equal(canTransition(from, to, role), legal, `canTransition ${from} → ${to} by ${role}`);
        if (legal) {
          moves(from, role, to);
          allowed++;
        } else refuses(from, role, to);
      }
    }
  }
  assert.equal(allowed, 3 * 7 + 2, 'seven moves for each of three staff roles, two cancels for the guest');
});

test('a refused move says from where to where; only a guest is told it is because they are the guest', () => {
  assert.equal(refuses('ready', 'waiter', 'cancelled').message, 'An order that is ready cannot become cancelled.', 'to the waiter');
  assert.equal(refuses('placed', 'anonymous', 'accepted').message, 'An order that is placed cannot become accepted.', 'to anonymous');
  assert.equal(refuses('placed', 'guest', 'accepted').message, 'An order that is placed cannot become accepted by a guest.', 'to the guest');
});

test('accepted, changing the items is refused with where the order is', () => {
  assert.throws(
    () => changeItems(givenAnOrder('accepted'), { items: [], totalCents: 0 }, later),
    (error: unknown) => {
      assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
      assert.equal(error.message, 'Items can change only while the order is placed; it is accepted.', 'the message');
      assert.deepEqual(error.fieldErrors, [], 'no field is at fault, the order is');
      return true;
    },
  );
});

test('only served and cancelled are final', () => {
  assert.deepEqual(
    Object.fromEntries(orderStatuses.map((status) => [status, isFinal(status)])),
    { placed: false, accepted: false, preparing: false, ready: false, served: true, cancelled: true },
    'final statuses',
  );
});
