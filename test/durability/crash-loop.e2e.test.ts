/**
 * Crash loop: `bistro serve` on a SQLite file is killed with SIGKILL twenty times while clients
 * place orders with idempotency keys, each kill after a random 150–400 ms of writes (seeded:
 * BISTRO_CRASH_SEED). A history-recording client notes every request and whether it was
 * acknowledged. While the server is down the file passes `PRAGMA integrity_check`; after each
 * restart every acknowledged order is there unchanged, retrying every unacknowledged key (same
 * key, same guest, same body) settles it, and no key ever has two orders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { callServe, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

const adminToken = 'crash-loop-admin-token';
const kills = 20;
const writers = 8;
const seed = Number(process.env['BISTRO_CRASH_SEED'] ?? 20_261_130);

/** mulberry32: a small seeded generator, so a failing run's kill times can be had again. */
function seeded(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Order n: its note names it, so a stored order tells which key made it even without an acknowledgement. */
const plate = (n: number) => ({
  items: [{ menuItemId: 'fish-and-chips', quantity: 1 + (n % 3), adjustments: { fish: 1 + (n % 6), salt: n % 2 }, note: `order ${n}` }, ...(n % 4 === 0 ? [{ menuItemId: 'lemonade', quantity: 2 }] : [])],
});

interface Key {
  n: number;
  guest: string;
  body: ReturnType<typeof plate>;
  /** The order the server acknowledged for this key (first answer or a retry's), and that answer. */
  acknowledged?: { id: string; order: unknown };
}

/** One request as the client saw it. */
interface Attempt {
  key: string;
  round: number;
  retry: boolean;
  outcome: 'acknowledged' | 'refused' | 'no answer';
  detail: string;
}

/** Every order, page by page (the admin sees them all). */
async function readOrders(base: string): Promise<Array<{ id: string; items: Array<{ note?: string }> }>> {
  const orders = [];
  let cursor = '';
  for (;;) {
    const page = await callServe(base, `/orders?limit=100${cursor && `&cursor=${cursor}`}`, { token: adminToken });
    assert.equal(page.status, 200, `listing orders: ${JSON.stringify(page.body)}`);
    orders.push(...page.body.items);
    if (page.body.nextCursor === null) return orders;
    cursor = page.body.nextCursor;
  }
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

test(`${kills} SIGKILLs during writes lose no acknowledged order, keep the file whole and make no duplicate per idempotency key`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-crash-loop-'));
  const file = join(dir, 'bistro.db');
  const env = { BISTRO_DB: `sqlite:${file}`, BISTRO_ADMIN_TOKEN: adminToken, BISTRO_KITCHEN: 'manual' };
  let server: ServeProcess | undefined;
  t.after(async () => {
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const random = seeded(seed);
  const keys = new Map<string, Key>();
  const history: Attempt[] = [];
  let next = 0;

  /** Places (or retries) the order of `key`; records what came back. Throws only on an answer no crash explains. */
  const place = async (base: string, name: string, round: number, retry: boolean) => {
    const key = keys.get(name)!;
    let response;
    try {
      response = await callServe(base, '/orders', { token: key.guest, json: key.body, headers: { 'idempotency-key': name } });
    } catch (error) {
      history.push({ key: name, round, retry, outcome: 'no answer', detail: String((error as Error).cause ?? error) });
      return;
    }
    if (response.status !== 201 && response.status !== 200) {
      history.push({ key: name, round, retry, outcome: 'refused', detail: `${response.status} ${response.body?.code}` });
      return;
    }
    const { id } = response.body as { id: string };
    if (key.acknowledged) assert.equal(id, key.acknowledged.id, `${name}: a repeat answers the order first acknowledged`);
    else key.acknowledged = { id, order: response.body };
    const replayed = response.headers.get('idempotent-replayed') === 'true';
    history.push({ key: name, round, retry, outcome: 'acknowledged', detail: `${response.status}${replayed ? ' replayed' : ''} ${id}` });
  };

  server = await startServeProcess(env);
  const first = server;
  const guests = await Promise.all(
    [1, 2, 3].map(async (table) => {
      const response = await callServe(first.url, '/guests', { json: { table, name: `Crash ${table}` } });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body.token as string;
    }),
  );

  let checkedUpTo = 0;
  for (let round = 1; round <= kills; round++) {
    const running: ServeProcess = server;
    // Writes until the kill: new keys only, `writers` at a time.
    let killed = false;
    const writing = Array.from({ length: writers }, async () => {
      while (!killed) {
        const n = next++;
        const name = `loop-${n}`;
        keys.set(name, { n, guest: guests[n % guests.length]!, body: plate(n) });
        await place(running.url, name, round, false);
      }
    });
    const writeMs = 150 + Math.floor(random() * 250);
    await new Promise((resolve) => setTimeout(resolve, writeMs));
    killed = true;
    await running.stop('SIGKILL');
    assert.equal(running.child.signalCode, 'SIGKILL', `round ${round}: killed, not shut down`);
    await Promise.all(writing);

    assert.equal(integrity(file), 'ok', `round ${round}: PRAGMA integrity_check while the server is down`);

    server = await startServeProcess(env);
    const base = server.url;

    // Every order acknowledged so far is listed; those acknowledged since the last check are read one by one, unchanged.
    const stored = await readOrders(base);
    const storedIds = new Set(stored.map((order) => order.id));
    const acknowledged = [...keys.entries()].filter(([, key]) => key.acknowledged);
    for (const [name, key] of acknowledged) assert.ok(storedIds.has(key.acknowledged!.id), `round ${round}: ${name}'s acknowledged order ${key.acknowledged!.id} is stored`);
    for (const [name, key] of acknowledged.filter(([, key]) => key.n >= checkedUpTo)) {
      const read = await callServe(base, `/orders/${key.acknowledged!.id}`, { token: adminToken });
      assert.equal(read.status, 200, `round ${round}: GET ${name}'s order`);
      assert.deepEqual(read.body, key.acknowledged!.order, `round ${round}: ${name}'s order is as acknowledged`);
    }
    checkedUpTo = next;

    // Every key without an acknowledgement is retried with the same request until it is answered.
    const unanswered = [...keys.entries()].filter(([, key]) => !key.acknowledged).map(([name]) => name);
    await Promise.all(unanswered.map((name) => place(base, name, round, true)));
    const stillUnanswered = unanswered.filter((name) => !keys.get(name)!.acknowledged);
    assert.deepEqual(
      stillUnanswered.map((name) => history.findLast((attempt) => attempt.key === name)),
      [],
      `round ${round}: every retried key is answered by a running server`,
    );

    // One order per key, and as many orders as keys that ever succeeded.
    const after = await readOrders(base);
    const perKey = new Map<string, number>();
    for (const order of after) {
      const note = order.items[0]?.note ?? '';
      perKey.set(note, (perKey.get(note) ?? 0) + 1);
    }
    const duplicated = [...perKey].filter(([, count]) => count > 1);
    assert.deepEqual(duplicated, [], `round ${round}: no key made two orders`);
    const succeeded = [...keys.values()].filter((key) => key.acknowledged);
    assert.equal(after.length, succeeded.length, `round ${round}: orders stored = keys that succeeded`);
    assert.equal(new Set(succeeded.map((key) => key.acknowledged!.id)).size, succeeded.length, `round ${round}: no two keys share an order`);
  }

  await server.stop('SIGTERM');
  assert.equal(integrity(file), 'ok', 'PRAGMA integrity_check after the last, orderly stop');
  const firstTry = history.filter((attempt) => !attempt.retry);
  const count = (list: Attempt[], outcome: Attempt['outcome']) => list.filter((attempt) => attempt.outcome === outcome).length;
  t.diagnostic(
    `seed ${seed}: ${kills} kills, ${keys.size} keys, ${history.length} requests; first tries: ${count(firstTry, 'acknowledged')} acknowledged, ${count(firstTry, 'no answer')} unanswered, ${count(firstTry, 'refused')} refused; ` +
      `retries: ${count(history.filter((a) => a.retry), 'acknowledged')} acknowledged (${history.filter((a) => a.retry && a.detail.includes('replayed')).length} replays of an order the crash kept)`,
  );
});
