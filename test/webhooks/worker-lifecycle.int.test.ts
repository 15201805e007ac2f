/**
 * The worker's lifecycle in the composition root: stopping a node does not wait out a hanging
 * receiver's timeout; it cuts the attempt short, counts no attempt, and gives the delivery back,
 * so the next node to start sends it at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startNode } from '../../src/server.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { startBellReceiver } from '../helpers/bell-receiver.ts';
import { waitFor } from '../helpers/node.ts';

test('stopping a node cuts a hanging attempt short, counts no attempt and releases the delivery for the next start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-worker-stop-'));
  const bell = await startBellReceiver();
  t.after(async () => {
    await bell.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'bistro.db');
  const config = loadConfig([], {
    PORT: '0',
    BISTRO_DB: `sqlite:${file}`,
    BISTRO_ADMIN_TOKEN: 'stop-admin',
    BISTRO_KITCHEN: 'manual',
    BISTRO_LOG_LEVEL: 'silent',
    BISTRO_WEBHOOK_ALLOW_PRIVATE: '1',
    BISTRO_WEBHOOK_TIMEOUT_MS: '20000',
  });
  const call = async (base: string, path: string, method: string, json?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(base + path, { method, headers: { authorization: 'Bearer stop-admin', ...(json ? { 'content-type': 'application/json' } : {}), ...headers }, body: json ? JSON.stringify(json) : undefined });
    return { status: response.status, headers: response.headers, body: (response.status === 204 ? undefined : await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever shape the route answers
  };

  const first = await startNode(config);
  const endpoint = await call(first.url, '/webhooks', 'POST', { url: `${bell.url}/stop`, types: ['menu.item.updated'] });
  assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  bell.script([{ hang: true }], '/stop');
  const menu = await call(first.url, '/menu/lemonade', 'GET');
  const { version: _version, updatedAt: _updatedAt, ...item } = menu.body;
  assert.equal((await call(first.url, '/menu/lemonade', 'PUT', { ...item, priceCents: 410 }, { 'if-match': String(menu.headers.get('etag')) })).status, 200, 'menu updated');
  await waitFor(() => bell.rings.length === 1);

  const started = performance.now();
  await first.close();
  const took = performance.now() - started;
  assert.ok(took < 3000, `the node stopped in ${Math.round(took)} ms, not after the 20 s timeout`);

  const store = await createSqliteStore({ file });
  const [delivery] = await store.deliveries.list(endpoint.body.id, undefined, 10);
  const due = await store.deliveries.nextDue();
  await store.close();
  assert.deepEqual([delivery?.status, delivery?.attempts.length], ['pending', 0], 'still pending, and the cut attempt is not counted');
  assert.ok(due !== null && due <= Date.now(), 'released: due now, held by nobody');

  const second = await startNode(config);
  t.after(() => second.close());
  await waitFor(() => bell.rings.length === 2);
  const listed = await waitFor(async () => {
    const read = await call(second.url, `/webhooks/${endpoint.body.id}/deliveries`, 'GET');
    return read.body.items[0]?.status === 'delivered' ? read.body.items : undefined;
  });
  assert.deepEqual(listed[0].attempts.map((attempt: { responseStatus: number }) => attempt.responseStatus), [200], 'the next node delivered it on its first recorded attempt');
  assert.equal(bell.rings[0]?.headers['webhook-id'], bell.rings[1]?.headers['webhook-id'], 'the same delivery, the same webhook-id');
});
