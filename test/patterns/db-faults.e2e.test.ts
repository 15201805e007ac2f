/**
 * Database faults on PostgreSQL, through a TCP fault proxy between the node and the database:
 * added latency past the deadline, every connection reset, and a black hole (connections kept,
 * nothing answered). Under each, requests fail fast with a 503 `unavailable` problem and
 * Retry-After, within a deadline of five times BISTRO_DB_TIMEOUT_MS (1 s here: a request may wait
 * for its claim, its work and freeing its key, each bounded by it); nothing acknowledged is lost;
 * and once the proxy passes again the node recovers on its own: /readyz is 200, writes succeed,
 * and the SSE stream and the webhook worker that lived through the faults deliver every order.
 * An e2e file, so `npm test` runs it once, on PostgreSQL whatever BISTRO_TEST_DB says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPlace, postgresSkipReason, postgresUrl } from '../helpers/backends.ts';
import { startFaultProxy, type FaultMode } from '../helpers/fault-proxy.ts';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { startBellReceiver } from '../helpers/bell-receiver.ts';
import { sseEvents, type PushedEvent } from '../helpers/push-clients.ts';

const skip = await postgresSkipReason();
const timeoutMs = 1000;
const deadlineMs = 5 * timeoutMs;

const faults: Array<{ name: string; mode: FaultMode }> = [
  { name: 'latency of 3 s each way', mode: { kind: 'latency', ms: 3000 } },
  { name: 'every connection reset', mode: { kind: 'reset' } },
  { name: 'a black hole', mode: { kind: 'blackhole' } },
];

/** Order n: its note names it, so stored orders can be counted per idempotency key. */
const plate = (n: number) => ({ items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { fish: 1 + (n % 4), salt: n % 2 }, note: `fault ${n}` }] });

test('under latency, resets and a black hole requests answer 503 within the deadline, nothing acknowledged is lost, and the node recovers by itself', { skip }, async (t) => {
  const target = new URL(postgresUrl);
  const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const place = newPlace('postgres');
  const bell = await startBellReceiver();
  const started: { node?: TestNode } = {};
  t.after(async () => {
    proxy.setMode({ kind: 'pass' });
    await started.node?.close();
    await proxy.close();
    await bell.close();
    await place.remove();
  });
  // A claim whose answer the fault swallowed is sent once its lease lapses (4 × the webhook timeout + 5 s): 9 s here, not the default 65 s.
  const served = await startTestNode({ ...place.env, BISTRO_DB: proxy.urlFor(postgresUrl), BISTRO_DB_TIMEOUT_MS: String(timeoutMs), BISTRO_WEBHOOK_ALLOW_PRIVATE: '1', BISTRO_WEBHOOK_TIMEOUT_MS: '1000', BISTRO_BUS_CATCH_UP_MS: '200' });
  started.node = served;
  const guest = await served.guest();
  const endpoint = await served.request('/webhooks', { token: served.adminToken, json: { url: `${bell.url}/orders`, types: ['order.placed'] } });
  assert.equal(endpoint.status, 201, endpoint.text);

  const acknowledged = new Map<string, { key: string; order: unknown }>();
  const keys = new Map<string, number>();
  let next = 0;
  const placeOrder = async (n = next++) => {
    const key = `fault-${n}`;
    keys.set(key, n);
    const started = performance.now();
    const response = await served.request('/orders', { token: guest.token, json: plate(n), headers: { 'idempotency-key': key } });
    if (response.status === 201) acknowledged.set(response.body.id, { key, order: response.body });
    return { response, ms: performance.now() - started };
  };

  // The SSE stream is opened before the faults and must carry every acknowledged order in the end.
  const expected = new Set<string>();
  const streamed = sseEvents(served, served.adminToken, '0', (events: PushedEvent[]) => expected.size > 0 && [...expected].every((id) => events.some((event) => event.subject === `orders/${id}`)), 120_000);

  for (let index = 0; index < 3; index++) assert.equal((await placeOrder()).response.status, 201, 'orders go through before any fault');

  for (const { name, mode } of faults) {
    proxy.setMode(mode);
    const during = await Promise.all([
      placeOrder(),
      placeOrder(),
      (async () => {
        const started = performance.now();
        return { response: await served.request('/readyz'), ms: performance.now() - started };
      })(),
      (async () => {
        const started = performance.now();
        return { response: await served.request('/orders', { token: guest.token }), ms: performance.now() - started };
      })(),
    ]);
    for (const [index, { response, ms }] of during.entries()) {
      const what = `${name}, request ${index} (${['order', 'order', 'readyz', 'orders list'][index]})`;
      assert.equal(response.status, 503, `${what}: 503, not ${response.status} ${response.text}`);
      assert.equal(response.body?.code, 'unavailable', `${what}: the catalogue's unavailable`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, `${what}: a problem document`);
      assert.ok(Number(response.headers.get('retry-after')) > 0, `${what}: says when to come back`);
      assert.ok(ms < deadlineMs, `${what}: answered in ${Math.round(ms)} ms, within ${deadlineMs} ms`);
    }
    t.diagnostic(`${name}: 503 in ${during.map(({ ms }) => Math.round(ms)).join(', ')} ms`);

    proxy.setMode({ kind: 'pass' });
    const started = performance.now();
    await waitFor(async () => (await served.request('/readyz')).status === 200, 30_000, 100);
    const recovered = await waitFor(async () => {
      const { response } = await placeOrder();
      return response.status === 201 && response;
    }, 30_000, 100);
    assert.equal(recovered.status, 201, `${name}: writes succeed again`);
    t.diagnostic(`${name}: ready and writing again ${Math.round(performance.now() - started)} ms after the proxy passes`);
  }

  // Every acknowledged order is there, as acknowledged.
  for (const [id, { key, order }] of acknowledged) {
    const read = await served.request(`/orders/${id}`, { token: guest.token });
    assert.equal(read.status, 200, `${key}'s acknowledged order ${id} is stored`);
    assert.deepEqual(read.body, order, `${key}'s order is as acknowledged`);
  }
  // Retrying an unacknowledged key either settles it or finds it still claimed (a claim left by a failed request counts as abandoned after 60 s); never a second order.
  const unacknowledged = [...keys].filter(([key]) => ![...acknowledged.values()].some((entry) => entry.key === key));
  const retried = await Promise.all(unacknowledged.map(([key, n]) => served.request('/orders', { token: guest.token, json: plate(n), headers: { 'idempotency-key': key } })));
  for (const [index, response] of retried.entries()) {
    assert.ok(response.status === 201 || response.body?.code === 'idempotency_key_in_progress', `retrying ${unacknowledged[index]![0]}: ${response.status} ${response.text}`);
    if (response.status === 201) acknowledged.set(response.body.id, { key: unacknowledged[index]![0], order: response.body });
  }
  const listed = await served.request('/orders?limit=100', { token: guest.token });
  assert.equal(listed.status, 200, listed.text);
  const notes = listed.body.items.map((order: { items: Array<{ note: string }> }) => order.items[0]!.note);
  assert.equal(new Set(notes).size, notes.length, `one order per key: ${notes.join(', ')}`);
  assert.equal(notes.length, acknowledged.size, 'every stored order was acknowledged, first or on a retry');

  // The push loops lived through it: the open SSE stream and the webhook worker deliver every order.
  // Filled only now, so the stream's check passes on the last order's event at the earliest.
  for (const id of acknowledged.keys()) expected.add(id);
  const last = await placeOrder();
  assert.equal(last.response.status, 201, 'a last order, to wake the stream');
  expected.add(last.response.body.id);
  const events = await streamed;
  const seen = new Set(events.filter((event) => event.type === 'order.placed').map((event) => event.subject));
  for (const id of expected) assert.ok(seen.has(`orders/${id}`), `the SSE stream opened before the faults carried order ${id}`);
  await waitFor(() => [...expected].every((id) => bell.rings.some((ring) => ring.body.includes(`"orders/${id}"`))), 30_000, 100);
  t.diagnostic(`${acknowledged.size} orders acknowledged, ${unacknowledged.length} unacknowledged during faults (${retried.filter((response) => response.status === 201).length} settled by a retry), ${bell.rings.length} webhook rings`);
});

test('the auto kitchen moves an order on once the database answers again, though its steps failed while it was away', { skip }, async (t) => {
  const target = new URL(postgresUrl);
  const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const place = newPlace('postgres');
  const started: { node?: TestNode } = {};
  t.after(async () => {
    proxy.setMode({ kind: 'pass' });
    await started.node?.close();
    await proxy.close();
    await place.remove();
  });
  const paceMs = 300;
  const served = await startTestNode({ ...place.env, BISTRO_DB: proxy.urlFor(postgresUrl), BISTRO_DB_TIMEOUT_MS: String(timeoutMs), BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: String(paceMs) });
  started.node = served;
  const guest = await served.guest();
  const placed = await served.request('/orders', { token: guest.token, json: plate(1) });
  assert.equal(placed.status, 201, placed.text);
  // Away for several paces: every step the kitchen tries in that time fails.
  proxy.setMode({ kind: 'blackhole' });
  await new Promise((resolve) => setTimeout(resolve, 4 * paceMs + 2 * timeoutMs));
  proxy.setMode({ kind: 'pass' });
  const finished = await waitFor(async () => {
    const order = await served.request(`/orders/${placed.body.id}`, { token: guest.token });
    return order.body?.status === 'served' && order;
  }, 30_000, 100);
  assert.equal(finished.body.status, 'served', 'the order went all the way');
});
