/**
 * Idempotency keys on a real SQLite store, with a clock the test sets: given what happened to a key
 * before, when the same guest claims it again, then fresh, a replay of the first answer, 409 or 422.
 */
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { abandonedAfterMs, claimKey, completeKey, releaseKey, requestHash, type Claim } from '../../src/core/idempotency.ts';
import type { Store } from '../../src/core/store.ts';
import { BistroError, type ErrorCode } from '../../src/domain/errors.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

let store: Store;
before(async () => {
  store = await createSqliteStore({ file: ':memory:' });
});
after(() => store.close());

const ada = 'gst_ada';
const bob = 'gst_bob';
const placeOrder = 'orders.place';
const fishAndChips = requestHash(placeOrder, { items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] });
const lemonade = requestHash(placeOrder, { items: [{ menuItemId: 'lemonade', quantity: 1 }] });
const placedAt = new Date('2024-05-01T12:00:00.000Z');
const msAfter = (ms: number) => new Date(placedAt.getTime() + ms);
const theOrder = { id: 'ord_01hx0000000000000000000000', status: 'placed', totalCents: 1450 };

/** Each test takes its own key, so the tests share one store without seeing each other. */
let keys = 0;
const freshKey = (name: string) => `${name}-${++keys}`;

function claim(key: string, now: Date, { principal = ada, operation = placeOrder, hash = fishAndChips } = {}): Promise<Claim> {
  return claimKey(store, principal, key, operation, hash, now);
}

async function refused(attempt: Promise<unknown>, code: ErrorCode, status: number): Promise<void> {
  await assert.rejects(attempt, (error: unknown) => {
    assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
    assert.equal(error.code, code, 'the refusal code');
    assert.equal(error.status, status, 'the refusal status');
    assert.deepEqual(error.fieldErrors, [], 'a key refusal names no field');
    return true;
  });
}

/** The change tag (REST's ETag) the first answer carried: a replay must repeat it. */
const theTag = 17;

/** given Ada placed an order under `key` and it finished, answering `output` tagged `theTag`. */
async function givenDone(key: string, output: unknown = theOrder): Promise<void> {
  assert.deepEqual(await claim(key, placedAt), { kind: 'fresh' }, 'the first claim is fresh');
  await store.transaction((session) => completeKey(session, ada, key, output, theTag));
}

test('the first claim of a key is fresh and records it as pending, at the time given, for that request', async () => {
  const key = freshKey('first');
  assert.deepEqual(await claim(key, placedAt), { kind: 'fresh' }, 'the first claim');
  assert.deepEqual(
    await store.idempotency.find(ada, key),
    { principalId: ada, key, operation: placeOrder, requestHash: fishAndChips, state: 'pending', response: null, responseTag: null, createdAt: placedAt.toISOString() },
    'the stored key',
  );
});

test('pending: a duplicate while the first still runs is 409 idempotency_key_in_progress, and does not take the key over', async () => {
  const key = freshKey('double-click');
  await claim(key, placedAt);
  await refused(claim(key, msAfter(1)), 'idempotency_key_in_progress', 409);
  assert.equal((await store.idempotency.find(ada, key))?.createdAt, placedAt.toISOString(), 'the first claim still owns the key');
});

test('pending, one ms before the window ends: still 409, the first may yet finish', async () => {
  const key = freshKey('nearly-abandoned');
  await claim(key, placedAt);
  await refused(claim(key, msAfter(abandonedAfterMs - 1)), 'idempotency_key_in_progress', 409);
});

test('pending, exactly at the window: abandoned, so the retry takes the key over and runs the work', async () => {
  const key = freshKey('abandoned');
  await claim(key, placedAt);
  const retryAt = msAfter(abandonedAfterMs);
  assert.deepEqual(await claim(key, retryAt), { kind: 'fresh' }, 'the retry is fresh');
  const stored = await store.idempotency.find(ada, key);
  assert.equal(stored?.state, 'pending', 'the retry now owns a pending key');
  assert.equal(stored?.createdAt, retryAt.toISOString(), 'the window starts again from the retry');
  await refused(claim(key, msAfter(abandonedAfterMs + 1)), 'idempotency_key_in_progress', 409);
});

test('the abandoned-after window is one minute', () => {
  assert.equal(abandonedAfterMs, 60_000, 'a request that has not finished within a minute is taken for dead');
});

test('done: a repeat replays the stored output, not null', async () => {
  const key = freshKey('replayed');
  await givenDone(key);
  assert.deepEqual(await claim(key, msAfter(1)), { kind: 'replay', output: theOrder, tag: theTag }, 'the replay');
});

test('done: the replay outlives the abandoned window; a finished key is never run again', async () => {
  const key = freshKey('long-done');
  await givenDone(key);
  assert.deepEqual(await claim(key, msAfter(24 * 60 * 60 * 1000)), { kind: 'replay', output: theOrder, tag: theTag }, 'a day later');
});

test('done: completing stores the output as JSON beside the key', async () => {
  const key = freshKey('stored');
  await givenDone(key, { id: 'ord_1', items: ['fish'] });
  const stored = await store.idempotency.find(ada, key);
  assert.equal(stored?.state, 'done', 'the key is done');
  assert.equal(stored?.response, '{"id":"ord_1","items":["fish"]}', 'the stored response');
});

test('done with no output (a 204): the replay answers null', async () => {
  const key = freshKey('no-content');
  await givenDone(key, null);
  assert.deepEqual(await claim(key, msAfter(1)), { kind: 'replay', output: null, tag: theTag }, 'the replay of nothing');
});

test('done with nothing to answer (a handler that returns nothing): the replay answers null too', async () => {
  const key = freshKey('void');
  await claim(key, placedAt);
  await store.transaction((session) => completeKey(session, ada, key, undefined, undefined));
  assert.equal((await store.idempotency.find(ada, key))?.state, 'done', 'the key is done');
  assert.deepEqual(await claim(key, msAfter(1)), { kind: 'replay', output: null, tag: null }, 'the replay of nothing, with no tag');
});

test('the same key for another operation is 422 idempotency_key_reused', async () => {
  const key = freshKey('other-operation');
  await givenDone(key);
  await refused(claim(key, msAfter(1), { operation: 'orders.cancel' }), 'idempotency_key_reused', 422);
});

test('the same key with another body is 422 idempotency_key_reused, while done and while pending', async () => {
  const done = freshKey('other-body-done');
  await givenDone(done);
  await refused(claim(done, msAfter(1), { hash: lemonade }), 'idempotency_key_reused', 422);

  const pending = freshKey('other-body-pending');
  await claim(pending, placedAt);
  await refused(claim(pending, msAfter(1), { hash: lemonade }), 'idempotency_key_reused', 422);
  await refused(claim(pending, msAfter(abandonedAfterMs), { hash: lemonade }), 'idempotency_key_reused', 422);
});

test('keys belong to one principal: Bob may use the key Ada used', async () => {
  const key = freshKey('shared');
  await givenDone(key);
  assert.deepEqual(await claim(key, msAfter(1), { principal: bob, hash: lemonade }), { kind: 'fresh' }, "Bob's claim");
});

test('released: a key whose work failed may be used again, even with a corrected body', async () => {
  const key = freshKey('typo');
  await claim(key, placedAt);
  await releaseKey(store, ada, key);
  assert.equal(await store.idempotency.find(ada, key), undefined, 'the key is gone');
  assert.deepEqual(await claim(key, msAfter(1), { hash: lemonade }), { kind: 'fresh' }, 'the corrected retry');
});

test('concurrent duplicates: exactly one claim is fresh, every other one is 409 in progress', async () => {
  const key = freshKey('eight-clicks');
  const claims = await Promise.allSettled(Array.from({ length: 8 }, (_, index) => claim(key, msAfter(index))));
  const fresh = claims.filter((each) => each.status === 'fulfilled');
  assert.deepEqual(
    fresh.map((each) => each.value),
    [{ kind: 'fresh' }],
    'one claim does the work',
  );
  for (const each of claims) {
    if (each.status === 'rejected') assert.equal((each.reason as BistroError).code, 'idempotency_key_in_progress', 'the others are told to wait');
  }
});

test('a claim that loses the insert race (another claim inserted the key after our find) is 409, not a second run of the work', async () => {
  // On SQLite group commit runs claims one after another, so this needs a backend where two claims
  // overlap (PostgreSQL at READ COMMITTED): both find nothing, one insert wins, the other inserts nothing.
  const inserted: string[] = [];
  const racingSession = {
    idempotency: {
      find: async () => undefined,
      insert: async (record: { key: string }) => {
        inserted.push(record.key);
        return false;
      },
    },
  };
  const racingStore = { transaction: (work: (session: unknown) => Promise<unknown>) => work(racingSession) } as unknown as Store;
  await refused(claimKey(racingStore, ada, 'raced', placeOrder, fishAndChips, placedAt), 'idempotency_key_in_progress', 409);
  assert.deepEqual(inserted, ['raced'], 'the claim tried to insert its key once');
});

test('the request hash is sha256 over the operation, a newline and canonical JSON, in base64url', () => {
  const canonical = '{"items":[{"menuItemId":"fish-and-chips","quantity":1},{"menuItemId":"lemonade","quantity":2}],"table":7}';
  const expected = createHash('sha256').update(`orders.place\n${canonical}`).digest('base64url');
  // Hashes are stored with the keys, so a change here would turn every key that outlived an upgrade into 422.
  const input = { table: 7, items: [{ quantity: 1, menuItemId: 'fish-and-chips' }, { menuItemId: 'lemonade', quantity: 2 }] };
  assert.equal(requestHash(placeOrder, input), expected, 'the stored form of a request');
});

test('the request hash ignores key order, undefined fields and the idempotency key itself', () => {
  const hash = requestHash(placeOrder, { a: 1, b: { c: 2, d: [3, { e: 4, f: 5 }] }, g: 'x' });
  assert.equal(requestHash(placeOrder, { g: 'x', b: { d: [3, { f: 5, e: 4 }], c: 2 }, a: 1 }), hash, 'keys in another order');
  assert.equal(requestHash(placeOrder, { b: { c: 2, d: [3, { f: 5, e: 4 }] }, a: 1, g: 'x', h: undefined }), hash, 'an undefined field');
  assert.equal(requestHash(placeOrder, { a: 1, b: { c: 2, d: [3, { e: 4, f: 5 }] }, g: 'x', idempotencyKey: 'k1' }), hash, 'the key itself');
});

test('the request hash tells apart operations, values, array order, null and absent', () => {
  const base = { items: ['fish', 'chips'] };
  const hash = requestHash(placeOrder, base);
  assert.notEqual(requestHash('orders.update', base), hash, 'another operation');
  assert.notEqual(requestHash(placeOrder, { items: ['chips', 'fish'] }), hash, 'items in another order');
  assert.notEqual(requestHash(placeOrder, { ...base, note: null }), hash, 'a null field is not an absent one');
  assert.notEqual(requestHash(placeOrder, { ...base, table: '7' }), requestHash(placeOrder, { ...base, table: 7 }), 'a string is not a number');
  assert.notEqual(requestHash(placeOrder, { quantities: [1, 23] }), requestHash(placeOrder, { quantities: [12, 3] }), 'array items are kept apart');
});
