/** A token in the stream's URL (an EventSource cannot send headers) never reaches the logs, even at debug, where every request is logged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServeProcess } from '../helpers/serve-process.ts';
import { waitFor } from '../helpers/node.ts';

test('GET /events/stream?token= is logged with the token hidden', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-sse-log-'));
  const serving = await startServeProcess({ BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`, BISTRO_KITCHEN: 'manual', BISTRO_LOG_LEVEL: 'debug', BISTRO_ADMIN_TOKEN: 'sse-log-admin' });
  try {
    const registered = await fetch(`${serving.url}/guests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ table: 3, name: 'Log' }) });
    const { token } = (await registered.json()) as { token: string };
    const stream = await fetch(`${serving.url}/events/stream?after=0&token=${token}`);
    assert.equal(stream.status, 200);
    await stream.body?.cancel();
    const refused = await fetch(`${serving.url}/events/stream?token=wrong-${token}`);
    assert.equal(refused.status, 401);
    await refused.text();
    await waitFor(() => serving.output().split('\n').filter((line) => line.includes('/events/stream')).length >= 2);
    const output = serving.output();
    assert.ok(!output.includes(token), 'the token is in no log line');
    assert.match(output, /\/events\/stream\?after=0&token=\*\*\*/, 'the request is logged, token hidden');
  } finally {
    await serving.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
