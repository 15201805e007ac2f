/**
 * Two node processes on one PostgreSQL database, both running webhook workers, ringing a slow
 * receiver. One is SIGKILLed while it holds deliveries in flight: once its leases lapse the other
 * node completes them, with the same webhook-id, and every event is delivered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPlace } from '../helpers/backends.ts';
import { startBellReceiver } from '../helpers/bell-receiver.ts';
import { clusterSkipReason, redisUrl } from '../helpers/cluster.ts';
import { waitFor } from '../helpers/node.ts';
import { callServe, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

const skip = await clusterSkipReason();
const adminToken = 'node-kill-admin-token';


test('a node killed with deliveries in flight: the other node completes them with the same webhook-id', { skip, timeout: 90_000 }, async (t) => {
  const place = newPlace('postgres');
  const bell = await startBellReceiver();
  // Slow answers keep deliveries in flight long enough for the kill to land among them.
  bell.always({ delayMs: 400 }, '/slow');
  const env = { ...place.env, BISTRO_ADMIN_TOKEN: adminToken, BISTRO_KITCHEN: 'manual', BISTRO_BUS: redisUrl, BISTRO_WEBHOOK_ALLOW_PRIVATE: '1', BISTRO_WEBHOOK_TIMEOUT_MS: '1000', BISTRO_WEBHOOK_RETRY_SCHEDULE: '0,500ms,500ms,500ms,500ms,500ms' };
  const nodes: ServeProcess[] = [];
  t.after(async () => {
    for (const node of nodes) await node.stop('SIGKILL');
    await bell.close();
    await place.remove();
  });
  nodes.push(await startServeProcess(env));
  nodes.push(await startServeProcess(env));
  const [doomed, survivor] = nodes as [ServeProcess, ServeProcess];
  const guest = await callServe(survivor.url, '/guests', { json: { table: 2, name: 'Ada' } });
  const token = guest.body.token as string;
  const endpoint = await callServe(survivor.url, '/webhooks', { token, json: { url: `${bell.url}/slow`, types: ['order.placed'] } });
  assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  const orders = 40;
  const placed = await Promise.all(Array.from({ length: orders }, (_, index) => callServe((index % 2 === 0 ? doomed : survivor).url, '/orders', { token, json: { items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] } })));
  assert.ok(placed.every(({ status }) => status === 201), 'every order placed');
  // Both workers are busy now; kill one while its attempts are out.
  await waitFor(() => bell.rings.filter((ring) => ring.path === '/slow').length >= 4, 10_000);
  await doomed.stop('SIGKILL');

  // Its leases lapse (4 timeouts and 5 s), then the survivor sends what was lost.
  const ids = new Set(placed.map(({ body }) => body.id as string));
  await waitFor(() => {
    const delivered = new Set(bell.verified(endpoint.body.secret, '/slow').map(({ event }) => event.data.id as string));
    return [...ids].every((id) => delivered.has(id));
  }, 45_000, 200);
  const listed = await waitFor(async () => {
    const page = await callServe(survivor.url, `/webhooks/${endpoint.body.id}/deliveries?limit=100`, { token });
    return page.body.items.length === orders && page.body.items.every((delivery: { status: string }) => delivery.status === 'delivered') ? page.body.items : undefined;
  }, 20_000, 200);
  assert.equal(listed.length, orders, 'every delivery is recorded as delivered, by the survivor');
  const byEvent = new Map<string, number>();
  for (const ring of bell.rings.filter((entry) => entry.path === '/slow')) byEvent.set(String(ring.headers['webhook-id']), (byEvent.get(String(ring.headers['webhook-id'])) ?? 0) + 1);
  assert.equal(byEvent.size, orders, 'one webhook-id per event, whichever node sent it');
  const resent = [...byEvent.values()].filter((count) => count > 1).length;
  assert.ok(resent >= 1, `the deliveries cut by the kill were sent again with their webhook-id (${resent})`);
});
