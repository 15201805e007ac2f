/**
 * Parity of REST, JSON-RPC and GraphQL: one table of scenarios, each run through every pattern on
 * its own node, asserting the same outputs, error codes, field pointers and appended events.
 * One file on purpose: the table is the point, and its rows read best side by side.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { operations } from '../../src/operations/index.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';
import { calledBy, createDriver, graphqlUnshape, patterns, type Driver, type Input, type Outcome, type PatternName } from './drivers.ts';

const fishAndChips = fishAndChipsNoSaltTwoFish;

interface World {
  node: TestNode;
  driver: Driver;
  admin: string;
  kitchen: string;
}

const worlds = {} as Record<PatternName, World>;
before(async () => {
  for (const pattern of patterns) {
    // A bell on loopback's discard port: registration allows it, and any ring is refused at once.
    const node = await startTestNode({ BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
    worlds[pattern] = { node, driver: createDriver(pattern, node.url), admin: node.adminToken, kitchen: await node.staffKey('kitchen') };
  }
});
after(() => Promise.all(patterns.map((pattern) => worlds[pattern].node.close())));

interface Expected {
  /** Per-field JSON Pointers every pattern must send (GraphQL too when its own schema refuses the input). */
  fields?: string[];
}

/** What a scenario does, as any client would: call an operation and check what came back. */
interface Step {
  ok(operation: string, input: Input, token?: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- outputs of every shape
  fails(operation: string, input: Input, token: string | undefined, code: string, expected?: Expected): Promise<void>;
  guest(table?: number, name?: string): Promise<{ id: string; token: string }>;
  admin: string;
  kitchen: string;
  /** The log's cursor when the scenario started. */
  since: string;
}

/** GraphQL's Event is `{ id, sequence, type, subject, time, data }` (DESIGN.md §5), without specversion, source or datacontenttype: compare what all three carry. */
function commonEvents(page: { items: Input[]; nextCursor: string }) {
  const items = page.items.map(({ id, sequence, type, subject, time, data }) => ({ id, sequence, type, subject, time, data }));
  return { items, nextCursor: page.nextCursor };
}

function stepsFor(world: World, since: string, transcript: unknown[]): Step {
  const { driver } = world;
  const pattern = driver.pattern;
  const record = (operation: string, outcome: Outcome) => transcript.push({ operation, outcome: operation === 'events.list' && 'ok' in outcome ? { ok: commonEvents(outcome.ok) } : outcome });
  const ok: Step['ok'] = async (operation, input, token) => {
    const outcome = await driver.call(operation, input, token);
    assert.ok('ok' in outcome, `${pattern} ${operation}: ${JSON.stringify(outcome)}`);
    record(operation, outcome);
    return outcome.ok;
  };
  return {
    ok,
    async fails(operation, input, token, code, { fields } = {}) {
      const outcome: Outcome = await driver.call(operation, input, token);
      assert.ok('error' in outcome, `${pattern} ${operation} should fail with ${code}: ${JSON.stringify(outcome)}`);
      assert.equal(outcome.error.code, code, `${pattern} ${operation}`);
      assert.deepEqual(outcome.error.fields, fields, `${pattern} ${operation}: field pointers`);
      record(operation, outcome);
    },
    async guest(table = 7, name = 'Ada') {
      const registered = await ok('guests.register', { table, name });
      return { id: registered.guest.id as string, token: registered.token as string };
    },
    admin: world.admin,
    kitchen: world.kitchen,
    since,
  };
}

interface Scenario {
  name: string;
  /** The types of the events the scenario appends, in order. */
  events: string[];
  run(step: Step): Promise<void>;
}

const scenarios: Scenario[] = [
  {
    name: 'a guest places fish and chips, no salt, two pieces of fish, and reads it back',
    events: ['order.placed'],
    async run(step) {
      const guest = await step.guest(4, 'Ada');
      const placed = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      assert.equal(placed.status, 'placed');
      assert.equal(placed.table, 4);
      assert.equal(placed.version, 1);
      assert.equal(placed.totalCents, 1450);
      assert.deepEqual(placed.items, [{ menuItemId: 'fish-and-chips', name: 'Fish and chips', quantity: 1, adjustments: { salt: 0, fish: 2 }, note: '', priceCents: 1450 }]);
      assert.deepEqual(await step.ok('orders.get', { id: placed.id }, guest.token), placed);
      assert.deepEqual(await step.ok('orders.list', {}, guest.token), { items: [placed], nextCursor: null });
    },
  },
  {
    name: 'the kitchen walks an order to served through orders.setStatus',
    events: ['order.placed', 'order.accepted', 'order.preparing', 'order.ready', 'order.served'],
    async run(step) {
      const guest = await step.guest();
      const { id } = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      for (const [index, status] of ['accepted', 'preparing', 'ready', 'served'].entries()) {
        const moved = await step.ok('orders.setStatus', { id, status }, step.kitchen);
        assert.deepEqual([moved.status, moved.version], [status, index + 2]);
      }
      const read = await step.ok('orders.get', { id }, guest.token);
      assert.deepEqual([read.status, read.version], ['served', 5]);
    },
  },
  {
    name: 'a move the lifecycle does not allow is invalid_transition and changes nothing',
    events: ['order.placed', 'order.accepted', 'order.preparing'],
    async run(step) {
      const guest = await step.guest();
      const { id } = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      await step.fails('orders.setStatus', { id, status: 'ready' }, step.kitchen, 'invalid_transition');
      await step.fails('orders.setStatus', { id, status: 'placed' }, step.kitchen, 'invalid_transition');
      await step.ok('orders.setStatus', { id, status: 'accepted' }, step.kitchen);
      await step.ok('orders.setStatus', { id, status: 'preparing' }, step.kitchen);
      // Only staff may cancel once the kitchen has started.
      await step.fails('orders.cancel', { id }, guest.token, 'invalid_transition');
      await step.fails('orders.update', { id, items: [fishAndChips] }, guest.token, 'invalid_transition');
      const read = await step.ok('orders.get', { id }, guest.token);
      assert.deepEqual([read.status, read.version], ['preparing', 3]);
    },
  },
  {
    name: 'a guest cancels while the order is placed, and cannot cancel twice',
    events: ['order.placed', 'order.cancelled'],
    async run(step) {
      const guest = await step.guest();
      const { id } = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      const cancelled = await step.ok('orders.cancel', { id }, guest.token);
      assert.deepEqual([cancelled.status, cancelled.version], ['cancelled', 2]);
      await step.fails('orders.cancel', { id }, guest.token, 'invalid_transition');
      await step.fails('orders.setStatus', { id, status: 'accepted' }, step.kitchen, 'invalid_transition');
    },
  },
  {
    name: 'a guest changes the items while placed, and not once accepted',
    events: ['order.placed', 'order.updated', 'order.accepted'],
    async run(step) {
      const guest = await step.guest();
      const { id } = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      const changed = await step.ok('orders.update', { id, items: [{ ...fishAndChips, quantity: 2, note: 'extra lemon' }], expectedVersion: 1 }, guest.token);
      assert.deepEqual([changed.version, changed.totalCents, changed.items[0].note], [2, 2900, 'extra lemon']);
      await step.ok('orders.setStatus', { id, status: 'accepted' }, step.kitchen);
      await step.fails('orders.update', { id, items: [fishAndChips] }, guest.token, 'invalid_transition');
    },
  },
  {
    name: "another guest's order does not exist for a guest: read, list, change, cancel, message, events",
    events: ['order.placed'],
    async run(step) {
      const ada = await step.guest(4, 'Ada');
      const bob = await step.guest(9, 'Bob');
      const order = await step.ok('orders.place', { items: [fishAndChips] }, ada.token);
      const id = order.id as string;
      await step.fails('orders.get', { id }, bob.token, 'not_found');
      await step.fails('orders.cancel', { id }, bob.token, 'not_found');
      await step.fails('orders.update', { id, items: [fishAndChips], expectedVersion: 1 }, bob.token, 'not_found');
      await step.fails('messages.send', { orderId: id, text: 'Is this mine?' }, bob.token, 'not_found');
      await step.fails('messages.list', { orderId: id }, bob.token, 'not_found');
      assert.deepEqual(await step.ok('orders.list', {}, bob.token), { items: [], nextCursor: null });
      assert.deepEqual((await step.ok('events.list', { after: step.since }, bob.token)).items, []);
      assert.equal((await step.ok('events.list', { after: step.since }, ada.token)).items.length, 1);
      assert.deepEqual(await step.ok('orders.get', { id }, ada.token), order);
    },
  },
  {
    name: 'roles: a guest may not move an order or change the menu; anonymous may only read the menu',
    events: ['order.placed'],
    async run(step) {
      const guest = await step.guest();
      const { id } = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      await step.fails('orders.setStatus', { id, status: 'accepted' }, guest.token, 'forbidden');
      await step.fails('menu.delete', { id: 'fish-and-chips' }, guest.token, 'forbidden');
      await step.fails('keys.create', { role: 'kitchen', name: 'me' }, guest.token, 'forbidden');
      await step.fails('orders.place', { items: [fishAndChips] }, undefined, 'unauthorized');
      await step.fails('orders.list', {}, undefined, 'unauthorized');
      await step.fails('orders.get', { id }, undefined, 'unauthorized');
      await step.fails('messages.send', { orderId: id, text: 'hello' }, undefined, 'unauthorized');
      await step.fails('orders.place', { items: [fishAndChips] }, 'bg_not-a-real-token', 'unauthorized');
      await step.fails('orders.place', { items: [fishAndChips] }, step.kitchen, 'forbidden');
      const menu = await step.ok('menu.list', {}, undefined);
      assert.ok(menu.items.some((item: { id: string }) => item.id === 'fish-and-chips'));
      assert.deepEqual(await step.ok('menu.list', { category: 'drinks' }, undefined), { items: menu.items.filter((item: { category: string }) => item.category === 'drinks'), nextCursor: null });
      assert.deepEqual(await step.ok('menu.get', { id: 'fish-and-chips' }, undefined), menu.items.find((item: { id: string }) => item.id === 'fish-and-chips'));
      await step.fails('menu.get', { id: 'haggis' }, undefined, 'not_found');
    },
  },
  {
    name: 'bad input is validation_failed with the same field pointers, and changes nothing',
    events: [],
    async run(step) {
      const guest = await step.guest();
      const place = (item: object, expected: Expected) => step.fails('orders.place', { items: [item] }, guest.token, 'validation_failed', expected);
      await place({ ...fishAndChips, adjustments: { fish: 7 } }, { fields: ['/items/0/adjustments/fish'] });
      await place({ ...fishAndChips, adjustments: { salt: 99 } }, { fields: ['/items/0/adjustments/salt'] });
      await place({ ...fishAndChips, adjustments: { pepper: 1 } }, { fields: ['/items/0/adjustments/pepper'] });
      await place({ ...fishAndChips, quantity: 0 }, { fields: ['/items/0/quantity'] });
      await place({ ...fishAndChips, menuItemId: 'haggis' }, { fields: ['/items/0/menuItemId'] });
      await place({ ...fishAndChips, colour: 'red' }, { fields: ['/items/0/colour'] });
      await step.fails('orders.place', { items: [] }, guest.token, 'validation_failed', { fields: ['/items'] });
      await step.fails('orders.place', {}, guest.token, 'validation_failed', { fields: ['/items'] });
      await step.fails('orders.place', { items: [fishAndChips], tip: 100 }, guest.token, 'validation_failed', { fields: ['/tip'] });
      // Input is checked before the order is looked up, so no order is needed to be told the status is unknown.
      await step.fails('orders.setStatus', { id: 'ord_00000000000000000000000000', status: 'eaten' }, step.kitchen, 'validation_failed', { fields: ['/status'] });
      await step.fails('orders.get', { id: 'ord_00000000000000000000000000', colour: 'red' }, guest.token, 'validation_failed', { fields: ['/colour'] });
      await step.fails('orders.list', { limit: 0 }, guest.token, 'validation_failed', { fields: ['/limit'] });
      await step.fails('orders.list', { cursor: 'page-two' }, guest.token, 'validation_failed', { fields: ['/cursor'] });
      await step.fails('guests.register', { table: 0, name: 'Eve' }, undefined, 'validation_failed', { fields: ['/table'] });
      await step.fails('menu.create', { id: 'Mushy Peas', name: 'Mushy peas', category: 'starters', priceCents: 350 }, step.admin, 'validation_failed', { fields: ['/id'] });
      await step.fails('events.list', { after: '0', types: ['order.eaten'] }, step.admin, 'validation_failed', { fields: ['/types/0'] });
      assert.deepEqual(await step.ok('orders.list', {}, guest.token), { items: [], nextCursor: null });
    },
  },
  {
    name: 'a stale expectedVersion is version_mismatch for orders and the menu',
    events: ['order.placed', 'order.accepted', 'order.placed', 'order.updated'],
    async run(step) {
      const guest = await step.guest();
      const first = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      await step.ok('orders.setStatus', { id: first.id, status: 'accepted', expectedVersion: 1 }, step.kitchen);
      await step.fails('orders.setStatus', { id: first.id, status: 'preparing', expectedVersion: 1 }, step.kitchen, 'version_mismatch');
      await step.fails('orders.cancel', { id: first.id, expectedVersion: 1 }, guest.token, 'version_mismatch');
      const second = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      await step.ok('orders.update', { id: second.id, items: [{ ...fishAndChips, quantity: 3 }], expectedVersion: 1 }, guest.token);
      await step.fails('orders.update', { id: second.id, items: [fishAndChips], expectedVersion: 1 }, guest.token, 'version_mismatch');
      const { version: _version, updatedAt: _updatedAt, ...fields } = await step.ok('menu.get', { id: 'fish-and-chips' });
      await step.fails('menu.update', { ...fields, expectedVersion: 99 }, step.admin, 'version_mismatch');
      await step.fails('menu.delete', { id: 'fish-and-chips', expectedVersion: 99 }, step.admin, 'version_mismatch');
    },
  },
  {
    name: 'guest and kitchen talk on an order: send and list, page by page',
    events: ['order.placed', 'order.message.posted', 'order.message.posted', 'order.message.posted'],
    async run(step) {
      const guest = await step.guest();
      const { id } = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      const asked = await step.ok('messages.send', { orderId: id, text: 'No vinegar, please.' }, guest.token);
      const answered = await step.ok('messages.send', { orderId: id, text: 'Noted!' }, step.kitchen);
      assert.deepEqual([asked.from, answered.from], ['guest', 'kitchen']);
      assert.deepEqual(await step.ok('messages.list', { orderId: id }, guest.token), { items: [asked, answered], nextCursor: null });
      const page = await step.ok('messages.list', { orderId: id, limit: 1 }, step.kitchen);
      assert.deepEqual(page, { items: [asked], nextCursor: asked.id });
      assert.deepEqual(await step.ok('messages.list', { orderId: id, limit: 1, cursor: page.nextCursor }, step.kitchen), { items: [answered], nextCursor: null });
      // A retried send with the client's own id posts nothing new and answers the message already posted.
      const first = await step.ok('messages.send', { orderId: id, text: 'And extra chips.', clientMessageId: 'c-1' }, guest.token);
      assert.deepEqual(await step.ok('messages.send', { orderId: id, text: 'And extra chips.', clientMessageId: 'c-1' }, guest.token), first);
      await step.fails('messages.send', { orderId: id, text: 'Hi', clientMessageId: 'has space' }, guest.token, 'validation_failed', { fields: ['/clientMessageId'] });
      await step.fails('messages.send', { orderId: id, text: '' }, guest.token, 'validation_failed', { fields: ['/text'] });
      await step.fails('messages.send', { orderId: id, text: '   ' }, guest.token, 'validation_failed', { fields: ['/text'] });
    },
  },
  {
    name: 'orders list newest first, filtered by status and paged with a cursor',
    events: ['order.placed', 'order.placed', 'order.placed', 'order.cancelled'],
    async run(step) {
      const guest = await step.guest();
      const orders = [];
      for (const quantity of [1, 2, 3]) orders.push(await step.ok('orders.place', { items: [{ ...fishAndChips, quantity }] }, guest.token));
      await step.ok('orders.cancel', { id: orders[1].id }, guest.token);
      const placed = await step.ok('orders.list', { status: 'placed' }, guest.token);
      assert.deepEqual(placed.items.map((order: { id: string }) => order.id), [orders[2].id, orders[0].id]);
      const page = await step.ok('orders.list', { limit: 2 }, guest.token);
      assert.deepEqual([page.items.length, page.nextCursor], [2, orders[1].id]);
      const rest = await step.ok('orders.list', { limit: 2, cursor: page.nextCursor }, guest.token);
      assert.deepEqual(rest, { items: [orders[0]], nextCursor: null });
    },
  },
  {
    name: 'an admin creates, updates and deletes a menu item; each change is an event',
    events: ['menu.item.created', 'menu.item.updated', 'menu.item.deleted'],
    async run(step) {
      const draft = {
        id: 'mushy-peas',
        name: 'Mushy peas',
        category: 'starters',
        priceCents: 350,
        ingredients: [
          { name: 'peas', portions: 1, min: 1, max: 2 },
          { name: 'mint', portions: 1, min: 0, max: 1 },
        ],
      };
      const created = await step.ok('menu.create', draft, step.admin);
      assert.deepEqual([created.version, created.description, created.available], [1, '', true]);
      await step.fails('menu.create', draft, step.admin, 'already_exists');
      assert.deepEqual(await step.ok('menu.get', { id: 'mushy-peas' }), created);
      const updated = await step.ok('menu.update', { ...draft, priceCents: 400, available: false, expectedVersion: 1 }, step.admin);
      assert.deepEqual([updated.version, updated.priceCents, updated.available], [2, 400, false]);
      const guest = await step.guest();
      await step.fails('orders.place', { items: [{ menuItemId: 'mushy-peas' }] }, guest.token, 'menu_item_unavailable', { fields: ['/items/0/menuItemId'] });
      assert.equal(await step.ok('menu.delete', { id: 'mushy-peas', expectedVersion: 2 }, step.admin), null);
      // Menu events are public: anyone reading the log sees all three.
      assert.deepEqual((await step.ok('events.list', { after: step.since }, undefined)).items.map((event: { type: string }) => event.type), ['menu.item.created', 'menu.item.updated', 'menu.item.deleted']);
      await step.fails('menu.get', { id: 'mushy-peas' }, undefined, 'not_found');
      await step.fails('menu.delete', { id: 'mushy-peas' }, step.admin, 'not_found');
      await step.fails('menu.update', { ...draft, id: 'mushy-peas' }, step.admin, 'not_found');
    },
  },
  {
    name: 'an admin issues staff keys; the new key works at once, says whose it is, and stops working once revoked',
    events: ['order.placed', 'order.accepted', 'key.revoked'],
    async run(step) {
      const key = await step.ok('keys.create', { role: 'waiter', name: 'Floor' }, step.admin);
      assert.deepEqual([key.role, key.name], ['waiter', 'Floor']);
      assert.match(key.token, /^bk_/);
      await step.fails('keys.create', { role: 'chef', name: 'Floor' }, step.admin, 'validation_failed', { fields: ['/role'] });
      assert.deepEqual(await step.ok('me.get', {}, key.token), { id: key.id, role: 'waiter', name: 'Floor', table: null }, 'me.get names the key');
      const guest = await step.guest(5, 'Ada');
      assert.deepEqual(await step.ok('me.get', {}, guest.token), { id: guest.id, role: 'guest', name: 'Ada', table: 5 }, 'me.get names the guest and table');
      await step.fails('me.get', {}, undefined, 'unauthorized');
      const { id } = await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      assert.equal((await step.ok('orders.setStatus', { id, status: 'accepted' }, key.token)).status, 'accepted');
      await step.fails('keys.revoke', { id: key.id }, key.token, 'forbidden');
      assert.equal(await step.ok('keys.revoke', { id: key.id }, step.admin), null);
      await step.fails('orders.get', { id }, key.token, 'unauthorized');
      await step.fails('me.get', {}, key.token, 'unauthorized');
      await step.fails('keys.revoke', { id: key.id }, step.admin, 'not_found');
      await step.fails('keys.revoke', { id: guest.id }, step.admin, 'not_found');
    },
  },
  {
    name: 'a guest hands over a bell: register, read, pause, rotate, replay, test and remove it; nobody else sees it',
    events: ['order.placed'],
    async run(step) {
      const bell = 'http://127.0.0.1:9/bell';
      const guest = await step.guest();
      const other = await step.guest(8, 'Eve');
      await step.ok('orders.place', { items: [fishAndChips] }, guest.token);
      const created = await step.ok('webhooks.create', { url: bell, types: ['order.placed', 'order.ready'], description: 'the front door' }, guest.token);
      assert.match(created.secret, /^whsec_/);
      await step.fails('webhooks.create', { url: 'ftp://bell.example/', types: ['order.ready'] }, guest.token, 'validation_failed', { fields: ['/url'] });
      await step.fails('webhooks.create', { url: bell, types: ['order.exploded'] }, guest.token, 'validation_failed', { fields: ['/types/0'] });
      await step.fails('webhooks.create', { url: bell, types: ['order.ready'] }, undefined, 'unauthorized');
      const { secret: _secret, ...read } = created;
      assert.deepEqual(await step.ok('webhooks.get', { id: created.id }, guest.token), read);
      await step.fails('webhooks.get', { id: created.id }, other.token, 'not_found');
      assert.deepEqual(await step.ok('webhooks.list', {}, guest.token), { items: [read], nextCursor: null });
      assert.deepEqual(await step.ok('webhooks.list', {}, other.token), { items: [], nextCursor: null });
      const paused = await step.ok('webhooks.update', { id: created.id, description: 'the back door', enabled: false }, guest.token);
      assert.deepEqual([paused.description, paused.enabled], ['the back door', false]);
      await step.fails('webhooks.test', { id: created.id }, guest.token, 'webhook_disabled');
      await step.fails('webhooks.replay', { id: created.id, after: step.since }, guest.token, 'webhook_disabled');
      await step.fails('webhooks.update', { id: created.id, enabled: true }, other.token, 'not_found');
      assert.equal((await step.ok('webhooks.update', { id: created.id, enabled: true }, guest.token)).enabled, true);
      const rotated = await step.ok('webhooks.rotateSecret', { id: created.id, overlapSeconds: 60 }, guest.token);
      assert.notEqual(rotated.secret, created.secret);
      assert.deepEqual(await step.ok('webhooks.deliveries', { id: created.id }, guest.token), { items: [], nextCursor: null });
      await step.fails('webhooks.deliveries', { id: created.id }, other.token, 'not_found');
      const replay = await step.ok('webhooks.replay', { id: created.id, after: step.since }, guest.token);
      assert.deepEqual([replay.queued, replay.more], [1, false], 'the order placed before the bell was handed over');
      await step.fails('webhooks.replay', { id: created.id, after: 'yesterday' }, guest.token, 'validation_failed', { fields: ['/after'] });
      const ping = await step.ok('webhooks.test', { id: created.id }, guest.token);
      assert.deepEqual([ping.type, ping.status, ping.sequence, ping.attempts], ['webhook.test', 'pending', null, []]);
      assert.equal(await step.ok('webhooks.delete', { id: created.id }, guest.token), null);
      await step.fails('webhooks.get', { id: created.id }, guest.token, 'not_found');
      await step.fails('webhooks.delete', { id: created.id }, guest.token, 'not_found');
    },
  },
];

/** Stands in for values that necessarily differ between nodes, keeping which ones are the same: ids become `<ord#1>` by first appearance. */
function canonical(value: unknown): unknown {
  const names = new Map<string, string>();
  const counts = new Map<string, number>();
  const rename = (text: string) =>
    text.replace(/\b([a-z]{2,5})_[0-9a-z]{26}\b/g, (id, prefix: string) => {
      if (!names.has(id)) {
        counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
        names.set(id, `<${prefix}#${counts.get(prefix)}>`);
      }
      return names.get(id) as string;
    });
  const walk = (entry: unknown, key?: string): unknown => {
    if (typeof entry === 'string') {
      if (key === 'token') return '<token>';
      // Each request has its own id, whichever pattern carried it.
      if (key === 'requestId') return '<request id>';
      if (key === 'secret' && entry.startsWith('whsec_')) return '<secret>';
      if ((key === 'sequence' || key === 'nextCursor') && /^\d+$/.test(entry)) return '<sequence>';
      if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(entry)) return '<time>';
      return rename(entry);
    }
    if (Array.isArray(entry)) return entry.map((item) => walk(item));
    // Keys in a fixed order, so ids are numbered the same whatever order a pattern writes fields in.
    if (entry !== null && typeof entry === 'object') return Object.fromEntries(Object.keys(entry).sort().map((name) => [name, walk((entry as Input)[name], name)]));
    return entry;
  };
  return walk(value);
}

/** Every event the admin sees after `after`, read through the pattern itself. */
async function eventsAfter(driver: Driver, admin: string, after: string): Promise<{ type: string; subject: string; data: unknown; sequence: string }[]> {
  const events = [];
  for (let cursor = after; ; ) {
    const page = await driver.call('events.list', { after: cursor, limit: 500 }, admin);
    assert.ok('ok' in page, JSON.stringify(page));
    if (page.ok.items.length === 0) return events;
    events.push(...page.ok.items);
    cursor = page.ok.nextCursor;
  }
}

async function runScenario(world: World, scenario: Scenario): Promise<unknown> {
  const { driver, admin } = world;
  const since = (await eventsAfter(driver, admin, '0')).at(-1)?.sequence ?? '0';
  const transcript: unknown[] = [];
  await scenario.run(stepsFor(world, since, transcript));
  const events = (await eventsAfter(driver, admin, since)).map(({ type, subject, data }) => ({ type, subject, data }));
  assert.deepEqual(events.map((event) => event.type), scenario.events, `${driver.pattern}: events appended`);
  return canonical({ transcript, events });
}

for (const scenario of scenarios) {
  test(scenario.name, async () => {
    const [rest, rpc, graphql] = await Promise.all(patterns.map((pattern) => runScenario(worlds[pattern], scenario)));
    assert.deepEqual(rpc, rest, 'JSON-RPC and REST disagree');
    assert.deepEqual(graphql, rest, 'GraphQL and REST disagree');
  });
}

test('an idempotency key gives the same order whichever pattern repeats it, and a changed body is refused in all three', async () => {
  const { node } = worlds.rest;
  const drivers = patterns.map((pattern) => createDriver(pattern, node.url));
  const body = { items: [fishAndChips] };
  const changed = { items: [{ ...fishAndChips, adjustments: { fish: 3 } }] };
  for (const first of drivers) {
    const guest = await node.guest();
    const idempotencyKey = `first-by-${first.pattern}`;
    const answers: Outcome[] = [];
    for (const driver of [first, ...drivers.filter((other) => other !== first)]) answers.push(await driver.call('orders.place', { ...body, idempotencyKey }, guest.token));
    const [original, ...repeats] = answers.map((answer) => {
      assert.ok('ok' in answer, JSON.stringify(answer));
      return answer.ok;
    });
    for (const repeat of repeats) assert.deepEqual(repeat, original, `a repeat after ${first.pattern} replays the first order`);

    const placed = (await eventsAfter(drivers[0] as Driver, node.adminToken, '0')).filter((event) => event.type === 'order.placed' && (event.data as { guestId: string }).guestId === guest.id);
    assert.deepEqual(placed.map((event) => event.subject), [`orders/${String(original.id)}`], 'one order.placed event');

    for (const driver of drivers) {
      const refused = await driver.call('orders.place', { ...changed, idempotencyKey }, guest.token);
      assert.deepEqual(refused, { error: { code: 'idempotency_key_reused' } }, `${driver.pattern} refuses a changed body`);
    }
    const listed = await (drivers[0] as Driver).call('orders.list', {}, guest.token);
    assert.ok('ok' in listed);
    assert.deepEqual(listed.ok.items.map((order: { id: string }) => order.id), [original.id], 'the refused requests placed nothing');
  }
});

test('coverage: every catalogue operation is reachable in every pattern and exercised by the parity scenarios', async () => {
  const discovered = await worlds.rpc.node.request('/rpc', { json: { jsonrpc: '2.0', id: 1, method: 'rpc.discover' } });
  const rpcMethods = new Set(discovered.body.result.methods.map((method: { name: string }) => method.name));
  for (const { name, rest, graphql } of operations) {
    assert.ok(rest, `${name} has no REST binding`);
    assert.ok(rpcMethods.has(name), `rpc.discover does not list ${name}`);
    assert.ok(graphql, `${name} has no GraphQL binding`);
    for (const pattern of patterns) assert.ok(calledBy[pattern].has(name), `no parity scenario calls ${name} through ${pattern} (run the whole file): add one`);
  }
  // A GraphQL field that answers another shape needs its way back in the driver, or outputs stop comparing.
  for (const { name, graphql, output } of operations) {
    const reshaped = graphql?.items === true || (output as { type?: string }).type === 'null';
    if (reshaped) assert.ok(graphqlUnshape[name], `the GraphQL driver cannot reshape ${name}'s output back`);
  }
});
