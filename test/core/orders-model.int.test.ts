/**
 * Model-based property: random sequences of orders.place / setStatus / cancel / update by two guests
 * and a waiter, through core invoke on a real SQLite store, checked step by step against a small
 * model of the order book and the event log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createCore } from '../../src/core/core.ts';
import { seedMenuOnce } from '../../src/core/seed-menu.ts';
import type { Store } from '../../src/core/store.ts';
import { BistroError, type ErrorCode } from '../../src/domain/errors.ts';
import { seedMenu } from '../../src/domain/menu.ts';
import type { Order, OrderItem, OrderStatus } from '../../src/domain/order.ts';
import type { Principal } from '../../src/domain/roles.ts';
import { operations } from '../../src/operations/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const numRuns = 200;
const statuses = ['placed', 'accepted', 'preparing', 'ready', 'served', 'cancelled'] as const;
const menuById = new Map(seedMenu.map((item) => [item.id, item]));

interface Line {
  menuItemId: string;
  quantity: number;
  adjustments?: Record<string, number>;
  note?: string;
}
type Who = 0 | 1 | 2; // guest A, guest B, the waiter
type Expect = 'none' | 'current' | 'stale';
type Command =
  | { kind: 'place'; who: Who; items: Line[]; key: string | null }
  /** `next` is resolved against the model to the next status on the kitchen line, so runs get past placed. */
  | { kind: 'setStatus'; who: Who; order: number; status: OrderStatus | 'next'; expect: Expect }
  | { kind: 'cancel'; who: Who; order: number; expect: Expect }
  | { kind: 'update'; who: Who; order: number; items: Line[]; expect: Expect };

const portionsFor = (min: number, max: number) =>
  fc.oneof({ weight: 20, arbitrary: fc.integer({ min, max }) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 7 }) }, { weight: 1, arbitrary: fc.constant(21) });

const line: fc.Arbitrary<Line> = fc.oneof(
  {
    weight: 25,
    arbitrary: fc.constantFrom(...seedMenu).chain((item) =>
      fc.record(
        {
          menuItemId: fc.constant(item.id),
          quantity: fc.oneof({ weight: 25, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 21) }),
          adjustments: fc
            .array(
              fc.oneof(
                ...item.ingredients.map((each) => ({ weight: 8, arbitrary: fc.tuple(fc.constant(each.name), portionsFor(each.min, each.max)) })),
                { weight: 1, arbitrary: fc.tuple(fc.constant('ketchup'), fc.constant(1)) },
              ),
              { maxLength: 3 },
            )
            .map((entries) => Object.fromEntries(entries)),
          note: fc.constantFrom('', 'extra crispy', 'no onions'),
        },
        { requiredKeys: ['menuItemId', 'quantity'] },
      ),
    ),
  },
  { weight: 1, arbitrary: fc.constant({ menuItemId: 'lobster', quantity: 1 }) },
);
const items = fc.array(line, { minLength: 1, maxLength: 3 });
const who = fc.constantFrom<Who>(0, 1, 2);
const mostlyTheWaiter = fc.oneof({ weight: 1, arbitrary: fc.constantFrom<Who>(0, 1) }, { weight: 3, arbitrary: fc.constant<Who>(2) });
const status = fc.oneof({ weight: 3, arbitrary: fc.constant('next' as const) }, { weight: 2, arbitrary: fc.constantFrom(...statuses) });
const expect = fc.constantFrom<Expect>('none', 'current', 'stale');
const ref = fc.nat({ max: 7 });

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('place' as const), who, items, key: fc.option(fc.constantFrom('k1', 'k2')) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('setStatus' as const), who: mostlyTheWaiter, order: ref, status, expect }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who, order: ref, expect }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('update' as const), who, order: ref, items, expect }) },
);

/** The lifecycle as this test understands it, written apart from the domain's table on purpose. */
function mayMove(from: OrderStatus, to: OrderStatus, isGuest: boolean): boolean {
  if (to === 'cancelled') return from === 'placed' || from === 'accepted' || (from === 'preparing' && !isGuest);
  const line: OrderStatus[] = ['placed', 'accepted', 'preparing', 'ready', 'served'];
  return !isGuest && line.indexOf(to) === line.indexOf(from) + 1 && line.includes(from);
}

/** What the wire schema refuses before any handler runs. */
const schemaRefuses = (lines: Line[]) =>
  lines.some(
    (each) =>
      !Number.isInteger(each.quantity) || each.quantity < 1 || each.quantity > 20 || Object.values(each.adjustments ?? {}).some((portions) => portions < 0 || portions > 20),
  );

/** What the menu refuses; undefined when every line is fine. */
function price(lines: Line[]): { items: OrderItem[]; totalCents: number } | undefined {
  const priced: OrderItem[] = [];
  for (const each of lines) {
    const item = menuById.get(each.menuItemId);
    if (!item) return undefined;
    for (const [name, portions] of Object.entries(each.adjustments ?? {})) {
      const known = item.ingredients.find((ingredient) => ingredient.name === name);
      if (!known || portions < known.min || portions > known.max) return undefined;
    }
    const adjustments = each.adjustments ?? {};
    priced.push({ menuItemId: item.id, name: item.name, quantity: each.quantity, adjustments, note: each.note ?? '', priceCents: item.priceCents * each.quantity });
  }
  return { items: priced, totalCents: priced.reduce((sum, each) => sum + each.priceCents, 0) };
}

/** Sorted-key JSON, so two requests that differ only in key order count as the same request. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, entry: unknown) =>
    entry && typeof entry === 'object' && !Array.isArray(entry) ? Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1))) : entry,
  );

interface World {
  store: Store;
  invoke: ReturnType<typeof createCore>['invoke'];
  principals: [Principal, Principal, Principal];
  lastNow: () => string;
}

async function openWorld(): Promise<World> {
  const store = await createSqliteStore({ file: ':memory:' });
  let ticks = 0;
  let now = '';
  const clock = () => {
    const at = new Date(Date.UTC(2024, 4, 1, 12) + ++ticks * 1000);
    now = at.toISOString();
    return at;
  };
  const core = createCore({ store, operations, adminToken: 'model-admin-token', clock });
  await core.start();
  await seedMenuOnce(store, core.invoke, core.clock);
  const admin = await core.authenticateHeader('Bearer model-admin-token');
  const anonymous = await core.authenticateHeader(undefined);
  const guestToken = async (name: string) => ((await core.invoke('guests.register', { table: 4, name }, anonymous)).output as { token: string }).token;
  const waiterToken = ((await core.invoke('keys.create', { role: 'waiter', name: 'floor' }, admin)).output as { token: string }).token;
  const tokens = [await guestToken('Ada'), await guestToken('Bob'), waiterToken];
  const principals = (await Promise.all(tokens.map((token) => core.authenticateHeader(`Bearer ${token}`)))) as World['principals'];
  return { store, invoke: core.invoke, principals, lastNow: () => now };
}

const kitchenLine: readonly OrderStatus[] = ['placed', 'accepted', 'preparing', 'ready', 'served'];
const eventTypeFor = (command: Command, status: OrderStatus) =>
  command.kind === 'place' ? 'order.placed' : command.kind === 'update' ? 'order.updated' : `order.${status}`;

interface Model {
  orders: Order[];
  /** Idempotency keys that succeeded, by guest and key: the request they were first used with and its answer. */
  keys: Map<string, { request: string; answer: Order }>;
}

/**
 * The model's answer to one command: the error codes it accepts (several problems may each be reported
 * first), or the order after it, or the answer an idempotency key replays. Mirrors the documented order:
 * role, then schema, then visibility, then version, then the domain rules.
 */
function predict(command: Command, principal: Principal, { orders, keys }: Model) {
  const isGuest = principal.role === 'guest';
  const target = command.kind === 'place' ? undefined : orders[command.order % Math.max(orders.length, 1)];
  const id = target?.id ?? 'ord_00000000000000000000000000';
  const status = command.kind !== 'setStatus' ? undefined : command.status !== 'next' ? command.status : (kitchenLine[kitchenLine.indexOf(target?.status ?? 'placed') + 1] ?? 'placed');
  const expectedVersion = !target || command.kind === 'place' || command.expect === 'none' ? undefined : command.expect === 'current' ? target.version : target.version + 1;
  const keyId = command.kind === 'place' && command.key !== null ? `${command.who}:${command.key}` : undefined;
  let refusals: ErrorCode[] = [];
  let after: Order | undefined;
  let replay: Order | undefined;

  if (command.kind === 'place') {
    const priced = price(command.items);
    const earlier = keyId === undefined ? undefined : keys.get(keyId);
    if (!isGuest) refusals = ['forbidden'];
    else if (schemaRefuses(command.items)) refusals = ['validation_failed'];
    else if (earlier && earlier.request !== canonical(command.items)) refusals = ['idempotency_key_reused'];
    else if (earlier) replay = earlier.answer;
    else if (!priced) refusals = ['validation_failed'];
    else after = { id: '', guestId: principal.id, table: 4, status: 'placed', ...priced, version: 1, createdAt: '', updatedAt: '' };
  } else if (command.kind === 'setStatus' && isGuest) refusals = ['forbidden'];
  else if (command.kind === 'update' && schemaRefuses(command.items)) refusals = ['validation_failed'];
  else if (!target || (isGuest && target.guestId !== principal.id)) refusals = ['not_found'];
  else if (expectedVersion !== undefined && expectedVersion !== target.version) refusals = ['version_mismatch'];
  else if (command.kind === 'update') {
    const priced = price(command.items);
    if (!priced) refusals.push('validation_failed');
    if (target.status !== 'placed') refusals.push('invalid_transition');
    if (refusals.length === 0) after = { ...target, ...priced, version: target.version + 1 };
  } else {
    const to = status ?? 'cancelled';
    if (mayMove(target.status, to, isGuest)) after = { ...target, status: to, version: target.version + 1 };
    else refusals = ['invalid_transition'];
  }
  return { target, id, status, expectedVersion, keyId, refusals, after, replay };
}

test('random place / setStatus / cancel / update sequences keep the store and the event log equal to the model', async (t) => {
  let succeeded = 0;
  let failed = 0;
  const reached = new Set<OrderStatus>();
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 3, maxLength: 30, size: 'medium' }), async (commands) => {
      const world = await openWorld();
      try {
        const orders: Order[] = [];
        const keys = new Map<string, { request: string; answer: Order }>();
        let lastSequence = await world.store.events.lastSequence();
        for (const command of commands) {
          const principal = world.principals[command.who];
          const { target, id, status, expectedVersion, keyId, refusals, after, replay } = predict(command, principal, { orders, keys });
          const name = `orders.${command.kind}`;
          const input =
            command.kind === 'place'
              ? { items: structuredClone(command.items), ...(command.key === null ? {} : { idempotencyKey: command.key }) }
              : command.kind === 'update'
                ? { id, items: structuredClone(command.items), ...(expectedVersion === undefined ? {} : { expectedVersion }) }
                : { id, ...(status === undefined ? {} : { status }), ...(expectedVersion === undefined ? {} : { expectedVersion }) };
          const step = `${JSON.stringify(command)} on ${target ? `${target.status} v${target.version}` : 'no order'}`;
          let output: Order | undefined;
          try {
            output = (await world.invoke(name, input, principal)).output as Order;
          } catch (error) {
            assert.ok(error instanceof BistroError, `${step}: ${String(error)}`);
            assert.ok(refusals.includes(error.code), `${step}: got ${error.code}, the model expected ${refusals.join('|') || 'success'}`);
            failed++;
          }
          if (output) {
            assert.equal(refusals.length, 0, `${step}: succeeded, the model expected ${refusals.join('|')}`);
            if (replay) assert.deepEqual(output, replay, `${step}: a repeated key answers the first order`);
            else {
              succeeded++;
              const now = world.lastNow();
              const expected: Order = command.kind === 'place' ? { ...after!, id: output.id, createdAt: now, updatedAt: now } : { ...after!, updatedAt: now };
              assert.deepEqual(output, expected, step);
              reached.add(expected.status);
              if (command.kind === 'place') orders.push(expected);
              else orders[orders.indexOf(target!)] = expected;
              if (keyId !== undefined && command.kind === 'place') keys.set(keyId, { request: canonical(command.items), answer: expected });
            }
          }

          const touched = output ?? target;
          if (touched) assert.deepEqual(await world.store.orders.get(touched.id), orders.find((order) => order.id === touched.id), `${step}: stored order`);
          const events = (await world.store.events.read({ after: lastSequence, audiences: null, limit: 10 })).map(({ event }) => event);
          const changed = output !== undefined && !replay;
          assert.equal(events.length, changed ? 1 : 0, `${step}: one event per change, none otherwise`);
          const [event] = events;
          if (event) {
            assert.equal(Number(event.sequence), lastSequence + 1, `${step}: sequences increase without gaps`);
            assert.equal(event.type, eventTypeFor(command, output!.status));
            assert.equal(event.subject, `orders/${output!.id}`);
            assert.deepEqual(event.data, output);
            lastSequence = Number(event.sequence);
          }
        }
        // Every step checked the order it touched; at the end, every order and nothing else.
        assert.deepEqual(await world.store.orders.list({ limit: 100 }), [...orders].reverse());
        assert.equal(await world.store.events.lastSequence(), lastSequence);
      } finally {
        await world.store.close();
      }
    }),
    { numRuns, includeErrorInReport: true },
  );
  t.diagnostic(`${succeeded} changes made and ${failed} refused over ${numRuns} runs; statuses reached: ${[...reached].join(', ')}`);
  assert.equal(reached.size, statuses.length, 'the runs reached every status');
  assert.ok(succeeded > numRuns && failed > numRuns, `the generator must exercise both outcomes: ${succeeded} changes, ${failed} refusals`);
});
