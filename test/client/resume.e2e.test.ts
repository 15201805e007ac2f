/**
 * Resume, per push pattern: a client follows a `bistro serve` child process, the process is
 * killed (SIGKILL) while it follows, started again on the same SQLite file and port, writes go
 * on, and the iterator has yielded exactly the log (GET /events?after=0): no gap, no repeat.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { follow } from '../../client/follow/index.ts';
import type { CloudEvent } from '../../client/types.ts';
import { freePort } from '../helpers/free-port.ts';
import { clientOf, waitFor, type NodeClient } from '../helpers/node.ts';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { createClient } from '../../client/node.ts';
import { logEnd, moveOrder, placeOrder, pushPatterns, readLog, sequencesOf } from './follow-steps.ts';

const connectionTo = (url: string, token?: string) => createClient({ url, token }).connection;

const adminToken = 'resume-test-admin-token';
const dir = mkdtempSync(join(tmpdir(), 'bistro-resume-'));
let env: Record<string, string>;
let server: ServeProcess;
let node: NodeClient;
let guestToken: string;
let waiterToken: string;

before(async () => {
  // One port for every start, so the client reconnects to the URL it was given.
  env = { BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`, BISTRO_ADMIN_TOKEN: adminToken, BISTRO_KITCHEN: 'manual', PORT: String(await freePort()) };
  server = await startServeProcess(env);
  node = clientOf(server.url, adminToken);
  guestToken = (await node.guest(6, 'Ada')).token;
  waiterToken = await node.staffKey('waiter');
});
after(async () => {
  await server.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A few orders, each placed and accepted: events for every follower to read. */
async function write(orders: number): Promise<void> {
  for (let n = 0; n < orders; n++) {
    const orderId = await placeOrder(node, guestToken);
    await moveOrder(node, waiterToken, orderId, 'accepted');
  }
}

for (const via of pushPatterns) {
  test(`${via}: killed and restarted while a client follows, the iterator yields exactly the log`, { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    const reconnects: unknown[] = [];
    const events = follow(connectionTo(server.url, adminToken), {
      via,
      after: '0',
      signal: controller.signal,
      intervalMs: 50,
      waitSeconds: 5,
      retry: { initialDelayMs: 50, maxDelayMs: 500 },
      onReconnect: (info) => reconnects.push(info.error),
    });
    const seen: CloudEvent[] = [];
    const consuming = (async () => {
      for await (const event of events) seen.push(event);
    })();
    const caughtUp = async (what: string) => {
      const end = await logEnd(node, adminToken);
      await waitFor(() => seen.at(-1)?.sequence === end, 15_000).catch(() => assert.fail(`${via}: ${what}: the follower stopped at ${seen.at(-1)?.sequence ?? 'nothing'}, the log at ${end}`));
    };

    try {
      await write(3);
      await caughtUp('before the kill');
      // Killed straight after more writes: the follower is most likely behind, mid-stream.
      await write(3);
      await server.stop('SIGKILL');
      server = await startServeProcess(env);
      await write(3);
      await caughtUp('after the restart');
    } finally {
      controller.abort();
    }
    await consuming;

    assert.ok(reconnects.length >= 1, `${via}: the follower noticed the kill and reconnected (${reconnects.length} times)`);
    const log = await readLog(node, adminToken, '0');
    assert.deepEqual(sequencesOf(seen), sequencesOf(log), `${via}: every event of the log once, in order: no gap, no repeat`);
  });
}
