/**
 * The dispatcher with no transport at all, as the WebSocket will use it: a real core over an
 * in-memory SQLite store, plus one operation that fails the way a bug would.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { createCore, type Core } from '../../src/core/core.ts';
import { defineOperation, signedIn } from '../../src/core/operation.ts';
import { seedMenuOnce } from '../../src/core/seed-menu.ts';
import type { Store } from '../../src/core/store.ts';
import { BistroError } from '../../src/domain/errors.ts';
import type { Principal } from '../../src/domain/roles.ts';
import { operations } from '../../src/operations/index.ts';
import { createRpcDispatcher, type RpcContext, type RpcDispatcher } from '../../src/patterns/rpc/rpc-dispatcher.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const secret = 'SELECT token_hash FROM principals -- at /srv/bistro/src/store.ts:42';
const explode = defineOperation({
  name: 'test.explode',
  summary: 'Fails like a bug would',
  kind: 'query',
  input: Type.Object({}, { additionalProperties: false }),
  output: Type.Null(),
  roles: signedIn,
  handler: async () => {
    throw new Error(secret);
  },
});

const guest: Principal = { id: 'gst_test', role: 'guest', name: 'Ada', table: 7 };
let store: Store;
let core: Core;
let dispatcher: RpcDispatcher;

before(async () => {
  store = await createSqliteStore({ file: ':memory:' });
  core = createCore({ store, operations: [...operations, explode], adminToken: 'test-admin-token' });
  await core.start();
  await seedMenuOnce(store, core.invoke, core.clock);
  dispatcher = createRpcDispatcher({ core, maxBatch: 5, version: 'test' });
});
after(() => store.close());

function context(principal: RpcContext['principal']) {
  const logged: { error: unknown; method: string }[] = [];
  return { logged, context: { principal, logError: (error: unknown, method: string) => logged.push({ error, method }) } };
}

test('an internal error answers -32603 with nothing of the failure in it, and is logged with its method', async () => {
  const { logged, context: ctx } = context(guest);
  const reply = await dispatcher.handleText(JSON.stringify({ jsonrpc: '2.0', method: 'test.explode', id: 1 }), ctx);
  assert.deepEqual(reply, { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error', data: { code: 'internal_error' } }, id: 1 });
  assert.doesNotMatch(JSON.stringify(reply), /SELECT|principals|srv|store\.ts/);
  assert.equal(logged.length, 1);
  assert.equal(logged[0]?.method, 'test.explode');
  assert.equal((logged[0]?.error as Error).message, secret);
});

test('a failing notification is still logged, and still not answered', async () => {
  const { logged, context: ctx } = context(guest);
  assert.equal(await dispatcher.handleMessage({ jsonrpc: '2.0', method: 'test.explode' }, ctx), undefined);
  assert.equal(logged.length, 1);
});

test('the principal is looked up once per message, however many calls need it', async () => {
  let lookups = 0;
  const { context: ctx } = context(async () => {
    lookups += 1;
    return guest;
  });
  const batch = [1, 2, 3, 4].map((id) => ({ jsonrpc: '2.0', method: 'orders.list', id }));
  const reply = await dispatcher.handleMessage(batch, ctx);
  assert.ok(Array.isArray(reply) && reply.length === 4);
  assert.equal(lookups, 1);
});

test('the principal is not looked up when no call needs one', async () => {
  let lookups = 0;
  const { context: ctx } = context(async () => {
    lookups += 1;
    throw new BistroError('unauthorized', 'The bearer token is not valid.');
  });
  const batch = [
    { jsonrpc: '2.0', method: 'rpc.discover', id: 1 },
    { jsonrpc: '2.0', method: 'no.such', id: 2 },
    { jsonrpc: '1.0', method: 'orders.list', id: 3 },
    { jsonrpc: '2.0', method: 'orders.list', params: [], id: 4 },
  ];
  const reply = await dispatcher.handleMessage(batch, ctx);
  assert.deepEqual(
    (reply as { error?: { code: number } }[]).map((response) => response.error?.code ?? 'result'),
    ['result', -32601, -32600, -32602],
  );
  assert.equal(lookups, 0);
});

test('a principal lookup that fails unexpectedly (say, the database) is -32603 per call, not a rejection', async () => {
  const { logged, context: ctx } = context(() => Promise.reject(new Error('database is locked')));
  const reply = await dispatcher.handleMessage([{ jsonrpc: '2.0', method: 'orders.list', id: 1 }, { jsonrpc: '2.0', method: 'menu.list', id: 2 }], ctx);
  assert.deepEqual(
    (reply as { error: { code: number } }[]).map((response) => response.error.code),
    [-32603, -32603],
  );
  assert.equal(logged.length, 2);
});

test('a parsed message answers exactly like its text', async () => {
  const { context: ctx } = context(guest);
  const request = { jsonrpc: '2.0', method: 'menu.get', params: { id: 'lemonade' }, id: 'x' };
  assert.deepEqual(await dispatcher.handleMessage(structuredClone(request), ctx), await dispatcher.handleText(JSON.stringify(request), ctx));
  assert.deepEqual(await dispatcher.handleMessage(undefined, ctx), {
    jsonrpc: '2.0',
    error: { code: -32600, message: 'Invalid Request', data: { detail: 'A request is a JSON object.' } },
    id: null,
  });
});

test('the batch limit is the one the dispatcher was made with', async () => {
  const { context: ctx } = context(guest);
  const call = { jsonrpc: '2.0', method: 'menu.list', id: 1 };
  assert.equal(((await dispatcher.handleMessage(Array(5).fill(call), ctx)) as unknown[]).length, 5);
  assert.deepEqual(await dispatcher.handleMessage(Array(6).fill(call), ctx), {
    jsonrpc: '2.0',
    error: { code: -32600, message: 'Invalid Request', data: { detail: 'A batch may hold at most 5 requests; this one has 6.' } },
    id: null,
  });
});

test('an operation with no output answers result null (a success needs a result member)', async () => {
  const { context: ctx } = context({ id: 'admin', role: 'admin', name: 'admin' });
  const reply = await dispatcher.handleMessage({ jsonrpc: '2.0', method: 'menu.delete', params: { id: 'lemonade' }, id: 9 }, ctx);
  assert.deepEqual(reply, { jsonrpc: '2.0', result: null, id: 9 });
});
