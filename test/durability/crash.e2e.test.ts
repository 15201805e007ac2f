/**
 * Crash durability: every order the server acknowledged with 201 survives a SIGKILL straight after
 * the last acknowledgement, and the event log comes back whole: sequences 1..N, no gaps, no duplicates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callServe, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

const adminToken = 'crash-test-admin-token';
const acknowledgedTarget = 50;
// 50 is not a multiple of 7, so the kill lands while the rest of the last batch is in flight.
const concurrency = 7;


/** The whole log as the admin sees it, page by page. */
async function readLog(base: string) {
  const events = [];
  let after = '0';
  for (;;) {
    const page = await callServe(base, `/events?after=${after}&limit=500`, { token: adminToken });
    assert.equal(page.status, 200);
    if (page.body.items.length === 0) return events;
    events.push(...page.body.items);
    after = page.body.nextCursor;
  }
}

/** Every order, newest first, page by page. */
async function readOrders(base: string) {
  const orders = [];
  let cursor = '';
  for (;;) {
    const page = await callServe(base, `/orders?limit=100${cursor && `&cursor=${cursor}`}`, { token: adminToken });
    assert.equal(page.status, 200);
    orders.push(...page.body.items);
    if (page.body.nextCursor === null) return orders;
    cursor = page.body.nextCursor;
  }
}

/** Order n: a slightly different plate each time, so a mixed-up row would show. */
const plate = (n: number) => ({
  items: [
    { menuItemId: 'fish-and-chips', quantity: 1 + (n % 3), adjustments: { fish: 1 + (n % 6), salt: n % 2 }, note: `order ${n}` },
    ...(n % 4 === 0 ? [{ menuItemId: 'lemonade', quantity: 2 }] : []),
  ],
});

test('every acknowledged order and its order.placed event survive a SIGKILL right after the last acknowledgement', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-crash-'));
  const env = { BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`, BISTRO_ADMIN_TOKEN: adminToken, BISTRO_KITCHEN: 'manual' };
  let server: ServeProcess | undefined;
  t.after(async () => {
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  server = await startServeProcess(env);
  const first = server;
  const guests = await Promise.all(
    ['Ada', 'Bob', 'Cy'].map(async (name, index) => {
      const response = await callServe(first.url, '/guests', { json: { table: index + 1, name } });
      assert.equal(response.status, 201);
      return response.body.token as string;
    }),
  );

  // Orders go out `concurrency` at a time. Every 201 counts as acknowledged, whenever it arrives;
  // the kill lands the moment the 50th does, while the last batch's other requests may still be in flight.
  const acknowledged = new Map<string, { order: unknown; key: string; request: unknown }>();
  let killed: Promise<void> | undefined;
  const place = async (n: number) => {
    const key = `crash-${n}`;
    const request = plate(n);
    try {
      const response = await callServe(first.url, '/orders', { token: guests[n % guests.length], json: request, headers: { 'idempotency-key': key } });
      if (response.status !== 201) throw new Error(`order ${n}: ${response.status} ${JSON.stringify(response.body)}`);
      acknowledged.set(response.body.id, { order: response.body, key, request });
      if (acknowledged.size === acknowledgedTarget) killed = first.stop('SIGKILL');
    } catch (error) {
      // Only requests still in flight when the process died may fail.
      if (killed === undefined) throw error;
    }
  };
  let n = 0;
  while (killed === undefined) {
    const batch = Array.from({ length: concurrency }, () => place(n++));
    await Promise.all(batch);
  }
  await killed;
  assert.equal(first.child.signalCode, 'SIGKILL', 'the first process was killed, not shut down');
  assert.ok(acknowledged.size >= acknowledgedTarget, `${acknowledged.size} orders acknowledged`);

  server = await startServeProcess(env);
  const base = server.url;

  for (const [id, { order }] of acknowledged) {
    const stored = await callServe(base, `/orders/${id}`, { token: adminToken });
    assert.equal(stored.status, 200, `acknowledged order ${id} is still there`);
    assert.deepEqual(stored.body, order, `acknowledged order ${id} is unchanged`);
  }

  const log = await readLog(base);
  assert.deepEqual(
    log.map((event) => Number(event.sequence)),
    Array.from({ length: log.length }, (_, index) => index + 1),
    'sequences run 1..N with no gaps and no duplicates',
  );
  assert.equal(new Set(log.map((event) => event.id)).size, log.length, 'event ids are unique');

  // The outbox is all or nothing: an order is stored exactly when its order.placed event is, in-flight ones included.
  const placed = log.filter((event) => event.type === 'order.placed');
  const orders = await readOrders(base);
  assert.deepEqual(placed.map((event) => event.subject).sort(), orders.map((order) => `orders/${order.id}`).sort(), 'one order.placed per stored order');
  for (const [id, { order }] of acknowledged) {
    const events = placed.filter((event) => event.subject === `orders/${id}`);
    assert.equal(events.length, 1, `exactly one order.placed for ${id}`);
    assert.deepEqual(events[0].data, order);
  }
  t.diagnostic(`${acknowledged.size} acknowledged, ${orders.length} stored, ${n} sent, log of ${log.length} events`);

  // Idempotency keys are as durable as the orders: a retry after the crash replays and appends nothing.
  const [someId, some] = [...acknowledged][0]!;
  const retry = await callServe(base, '/orders', { token: guests[Number(some.key.slice('crash-'.length)) % guests.length], json: some.request, headers: { 'idempotency-key': some.key } });
  assert.equal(retry.body.id, someId);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');

  // And the restarted node carries on from where the log stopped.
  const next = await callServe(base, '/orders', { token: guests[0], json: plate(1) });
  assert.equal(next.status, 201);
  const tail = (await callServe(base, `/events?after=${log.length}`, { token: adminToken })).body.items;
  assert.deepEqual(
    tail.map((event: { sequence: string; subject: string }) => [event.sequence, event.subject]),
    [[String(log.length + 1), `orders/${next.body.id}`]],
  );
});
