/**
 * Log lines carry the request id: the request's own lines (Fastify's `reqId`), and the webhook
 * worker's line for an attempt rung by an event that request caused, under the same key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBellReceiver } from '../helpers/bell-receiver.ts';
import { waitFor } from '../helpers/node.ts';
import { callServe, startServeProcess } from '../helpers/serve-process.ts';

test('one request id finds the request in the log and the failed webhook attempt its order rang', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-request-id-'));
  const bell = await startBellReceiver();
  bell.always({ status: 500 }, '/failing');
  const serving = await startServeProcess({
    BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`,
    BISTRO_KITCHEN: 'manual',
    BISTRO_LOG_LEVEL: 'debug',
    BISTRO_ADMIN_TOKEN: 'request-id-admin',
    BISTRO_WEBHOOK_ALLOW_PRIVATE: '1',
    BISTRO_WEBHOOK_RETRY_SCHEDULE: '0,1h',
  });
  try {
    const guest = await callServe(serving.url, '/guests', { json: { table: 4, name: 'Logs' } });
    const token = guest.body.token as string;
    const endpoint = await callServe(serving.url, '/webhooks', { token, json: { url: `${bell.url}/failing`, types: ['order.placed'], description: 'failing' } });
    assert.equal(endpoint.status, 201, 'an endpoint that answers 500');
    const placed = await callServe(serving.url, '/orders', { token, json: { items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] }, headers: { 'x-request-id': 'trace-me-1' } });
    assert.equal(placed.status, 201, 'an order with a request id');

    const lines = () =>
      serving
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const attempt = await waitFor(() => lines().find((line) => line['reqId'] === 'trace-me-1' && line['msg'] === 'webhook attempt failed'), 15_000);
    assert.equal(attempt['status'], 500, "the attempt's line says what the receiver answered");
    assert.equal(attempt['endpointId'], endpoint.body.id, 'and which endpoint');
    const own = lines().filter((line) => line['reqId'] === 'trace-me-1' && line['msg'] !== 'webhook attempt failed');
    assert.ok(own.length >= 1, "the request's own log lines carry the same id");
  } finally {
    await serving.stop();
    await bell.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
