/**
 * Property: no sequence of (role, target status) moves applied through transition() takes an order
 * anywhere the lifecycle of DESIGN.md §3 does not allow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BistroError } from '../../src/domain/errors.ts';
import { canTransition, isFinal, nextStatuses, orderStatuses, transition, type Order, type OrderStatus } from '../../src/domain/order.ts';
import type { Role } from '../../src/domain/roles.ts';

const numRuns = 300;
const roles = ['anonymous', 'guest', 'waiter', 'kitchen', 'admin'] as const satisfies readonly Role[];
const kitchenLine: readonly OrderStatus[] = ['placed', 'accepted', 'preparing', 'ready', 'served'];

/** `next` aims at the next status on the kitchen line, so runs get far enough to test served; any status tests the rest. */
const move = fc.record({
  role: fc.constantFrom(...roles),
  to: fc.oneof({ weight: 2, arbitrary: fc.constant('next' as const) }, { weight: 3, arbitrary: fc.constantFrom(...orderStatuses) }),
});

const placed: Order = {
  id: 'ord_01hx0000000000000000000000',
  guestId: 'gst_ada',
  table: 7,
  status: 'placed',
  items: [],
  totalCents: 0,
  version: 1,
  createdAt: '2024-05-01T12:00:00.000Z',
  updatedAt: '2024-05-01T12:00:00.000Z',
};

/** Every legal history: a prefix of the kitchen line, or such a prefix up to preparing and then cancelled. */
function isLegalHistory(history: readonly OrderStatus[]): boolean {
  const cancelledAt = history.indexOf('cancelled');
  const line = cancelledAt === -1 ? history : history.slice(0, cancelledAt);
  const isPrefix = line.every((status, index) => kitchenLine[index] === status);
  if (cancelledAt === -1) return isPrefix;
  return isPrefix && cancelledAt === history.length - 1 && line.length <= 3;
}

test('no sequence of moves by anyone leaves the lifecycle', (t) => {
  let served = 0;
  let cancelled = 0;
  fc.assert(
    fc.property(fc.array(move, { maxLength: 60 }), (moves) => {
      let order = placed;
      const history: OrderStatus[] = ['placed'];
      moves.forEach(({ role, to: aim }, step) => {
        const from = order.status;
        const to = aim === 'next' ? (kitchenLine[kitchenLine.indexOf(from) + 1] ?? 'placed') : aim;
        const allowed = canTransition(from, to, role);
        assert.equal(allowed, nextStatuses(from, role).includes(to), 'canTransition and nextStatuses agree');
        let next: Order | undefined;
        try {
          next = transition(order, to, role, `2024-05-01T12:${String(step).padStart(2, '0')}:00.000Z`);
        } catch (error) {
          assert.ok(error instanceof BistroError && error.code === 'invalid_transition', String(error));
        }
        assert.equal(next !== undefined, allowed, `transition and canTransition agree on ${from} → ${to} by ${role}`);
        if (!next) return;

        assert.ok(orderStatuses.includes(next.status), `unknown status ${next.status}`);
        assert.equal(next.status, to);
        assert.equal(next.version, order.version + 1, 'one version per move');
        assert.ok(!isFinal(from), `${from} is final, yet ${role} moved it to ${to}`);
        assert.notEqual(role, 'anonymous');
        if (role === 'guest') {
          assert.equal(to, 'cancelled', 'a guest only ever cancels');
          assert.ok(from === 'placed' || from === 'accepted', `a guest cancelled a ${from} order`);
        }
        order = next;
        history.push(next.status);
      });
      assert.equal(order.version, history.length, 'the version counts the moves made');
      assert.ok(isLegalHistory(history), `illegal history ${history.join(' → ')}`);
      if (order.status === 'served') {
        served++;
        assert.deepEqual(history, kitchenLine);
      }
      if (order.status === 'cancelled') cancelled++;
    }),
    { numRuns, includeErrorInReport: true },
  );
  // Random moves rarely walk the whole line, but some runs must, or the served checks never ran.
  t.diagnostic(`${served} runs reached served, ${cancelled} cancelled`);
  assert.ok(served > 0 && cancelled > 0, `served ${served}, cancelled ${cancelled}`);
});

test('the legal-history oracle itself refuses skipped steps and late cancels', () => {
  assert.ok(isLegalHistory(['placed', 'accepted', 'preparing', 'cancelled']));
  assert.ok(!isLegalHistory(['placed', 'accepted', 'preparing', 'ready', 'cancelled']));
  assert.ok(!isLegalHistory(['placed', 'preparing']));
  assert.ok(!isLegalHistory(['placed', 'cancelled', 'accepted']));
});
