/**
 * The bell survives a crash: SIGKILL the server while one delivery waits for a receiver that is down
 * and another event was committed a moment before the kill (maybe not even queued yet), restart it
 * on the same database, bring the receiver up: each arrives, once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '../helpers/node.ts';
import { callServe, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { freePort } from '../helpers/free-port.ts';

const adminToken = 'bell-crash-admin-token';



test('a delivery pending when the server is killed arrives once after the restart, and so does an event committed just before the kill', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-bell-crash-'));
  const port = await freePort();
  const env = {
    BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`,
    BISTRO_ADMIN_TOKEN: adminToken,
    BISTRO_KITCHEN: 'manual',
    BISTRO_WEBHOOK_ALLOW_PRIVATE: '1',
    // Retries every 300 ms for a while: the restart must find the delivery still pending, not given up.
    BISTRO_WEBHOOK_RETRY_SCHEDULE: ['0', ...Array.from({ length: 19 }, () => '300ms')].join(','),
    BISTRO_WEBHOOK_TIMEOUT_MS: '2000',
  };
  const rings: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      rings.push({ headers: request.headers, body });
      response.end('ok');
    });
  });
  let server: ServeProcess | undefined;
  t.after(async () => {
    await server?.stop('SIGKILL');
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  server = await startServeProcess(env);
  const first = server;
  const guest = await callServe(first.url, '/guests', { json: { table: 1, name: 'Ada' } });
  const token = guest.body.token as string;
  const endpoint = await callServe(first.url, '/webhooks', { token, json: { url: `http://127.0.0.1:${port}/bell`, types: ['order.placed'] } });
  assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  const secret = endpoint.body.secret as string;
  const order = { items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] };

  const pending = await callServe(first.url, '/orders', { token, json: order });
  assert.equal(pending.status, 201);
  // The receiver is down: the first attempt fails and the delivery waits for its retry.
  await waitFor(async () => {
    const listed = await callServe(first.url, `/webhooks/${endpoint.body.id}/deliveries`, { token });
    return listed.body.items[0]?.attempts.length > 0 && listed.body.items[0].status === 'pending';
  });
  const late = await callServe(first.url, '/orders', { token, json: order });
  assert.equal(late.status, 201);
  await first.stop('SIGKILL');

  server = await startServeProcess(env);
  const second = server;
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  await waitFor(() => rings.length >= 2, 15_000);
  // Long enough for a duplicate to show: several retry intervals.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const webhook = new Webhook(secret);
  const delivered = rings.map((ring) => webhook.verify(ring.body, ring.headers as Record<string, string>) as { type: string; data: { id: string } });
  assert.deepEqual(
    delivered.map((event) => event.data.id).sort(),
    [pending.body.id, late.body.id].sort(),
    'each order.placed arrived exactly once, verified',
  );
  const listed = await callServe(second.url, `/webhooks/${endpoint.body.id}/deliveries`, { token });
  assert.deepEqual(
    listed.body.items.map((delivery: { status: string }) => delivery.status),
    ['delivered', 'delivered'],
    'both deliveries are recorded as delivered',
  );
});
