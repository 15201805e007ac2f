/** REST auth: POST /guests and POST /keys, bearer tokens (stored hashed), 401/403, and no guest reaching another guest's order. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgresUrl } from '../helpers/backends.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, placeOrder } from './steps.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

test('a guest sits down at a table and gets a token that works', async () => {
  const response = await node.request('/guests', { json: { table: 4, name: 'Lin' } });

  assert.equal(response.status, 201, response.text);
  assert.match(response.body.guest.id, /^gst_/);
  assert.deepEqual(response.body.guest, { id: response.body.guest.id, table: 4, name: 'Lin' });
  assert.equal(response.headers.get('location'), `/guests/${response.body.guest.id}`);
  assert.equal(typeof response.body.token, 'string');

  const order = await placeOrder(node, response.body.token);
  assert.equal(order.guestId, response.body.guest.id);
  assert.equal(order.table, 4);
});

test('registering needs a table from 1 to 999 and a name', async () => {
  assertProblem(await node.request('/guests', { json: { table: 0, name: 'Lin' } }), 400, 'validation_failed', '/table');
  assertProblem(await node.request('/guests', { json: { table: 1000, name: 'Lin' } }), 400, 'validation_failed', '/table');
  assertProblem(await node.request('/guests', { json: { table: 4 } }), 400, 'validation_failed', '/name');
  assertProblem(await node.request('/guests', { json: { table: 4, name: '  ' } }), 400, 'validation_failed', '/name');
  assertProblem(await node.request('/guests', { json: { table: 4, name: 'Lin', role: 'admin' } }), 400, 'validation_failed', '/role');
});

test('without a token a protected route is 401 with WWW-Authenticate', async () => {
  for (const [path, method] of [
    ['/orders', 'GET'],
    ['/orders', 'POST'],
    ['/keys', 'POST'],
  ] as const) {
    const response = await node.request(path, { method, ...(method === 'POST' ? { json: {} } : {}) });
    assertProblem(response, 401, 'unauthorized');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /, `${method} ${path}`);
  }
});

test('a token nobody issued is 401, whatever the route', async () => {
  for (const authorization of ['Bearer bg_not-a-real-token', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(300)}`]) {
    const response = await node.request('/menu', { headers: { authorization } });
    assertProblem(response, 401, 'unauthorized');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
  }
});

test('only an admin issues staff keys', async () => {
  const guest = await node.guest();
  const waiter = await node.staffKey('waiter');
  const key = { role: 'kitchen', name: 'Line cook' };

  assertProblem(await node.request('/keys', { token: guest.token, json: key }), 403, 'forbidden');
  assertProblem(await node.request('/keys', { token: waiter, json: key }), 403, 'forbidden');
  assertProblem(await node.request('/keys', { json: key }), 401, 'unauthorized');
  assertProblem(await node.request('/keys', { token: node.adminToken, json: { role: 'guest', name: 'Sneaky' } }), 400, 'validation_failed', '/role');
  assertProblem(await node.request('/keys', { token: node.adminToken, json: { role: 'chef', name: 'Chef' } }), 400, 'validation_failed', '/role');
});

test('a staff key works with its role and no more', async () => {
  const issued = await node.request('/keys', { token: node.adminToken, json: { role: 'waiter', name: 'Sam' } });
  assert.equal(issued.status, 201, issued.text);
  assert.match(issued.body.id, /^key_/);
  assert.equal(issued.body.role, 'waiter');
  assert.equal(issued.body.name, 'Sam');
  assert.equal(issued.headers.get('location'), `/keys/${issued.body.id}`);

  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const moved = await node.request(`/orders/${order.id}/status`, { method: 'PUT', token: issued.body.token, json: { status: 'accepted' } });
  assert.equal(moved.status, 200, moved.text);
  assert.equal((await node.request('/orders', { token: issued.body.token })).body.items.length >= 1, true);

  const pie = { id: 'waiter-pie', name: 'Pie', category: 'desserts', priceCents: 100 };
  assertProblem(await node.request('/menu', { token: issued.body.token, json: pie }), 403, 'forbidden');

  const admin = await node.request('/keys', { token: node.adminToken, json: { role: 'admin', name: 'Manager' } });
  assert.equal((await node.request('/menu', { token: admin.body.token, json: pie })).status, 201);
});

test('tokens are stored hashed: no issued token appears anywhere in the database', async () => {
  const guest = await node.guest();
  const key = await node.request('/keys', { token: node.adminToken, json: { role: 'kitchen', name: 'Cook' } });
  const tokens = [guest.token, key.body.token as string];

  const tables = await readAllTables(node);
  const principals = JSON.stringify(tables.get('principals'));
  for (const token of tokens) {
    assert.ok(!principals.includes(token), 'the token itself is not in principals');
    assert.ok(principals.includes(createHash('sha256').update(token).digest('hex')), 'its SHA-256 is');
  }
  for (const [name, rows] of tables) {
    for (const token of tokens) assert.ok(!JSON.stringify(rows).includes(token), `no token in ${name}`);
  }
});

/** Every row of every table, read straight from the node's database (SQLite file or PostgreSQL schema). */
async function readAllTables(testNode: TestNode): Promise<Map<string, unknown[]>> {
  const tables = new Map<string, unknown[]>();
  if (testNode.place.file !== undefined) {
    const db = new Database(testNode.place.file, { readonly: true, fileMustExist: true });
    try {
      for (const { name } of db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]) tables.set(name, db.prepare(`select * from "${name}"`).all());
    } finally {
      db.close();
    }
    return tables;
  }
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const names = await client.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [testNode.place.schema]);
    for (const { table_name: name } of names.rows) tables.set(name, (await client.query(`select * from ${testNode.place.schema}."${name}"`)).rows);
  } finally {
    await client.end();
  }
  return tables;
}

test('a guest cannot read, change, cancel, list or message another guest’s order, nor learn it exists', async () => {
  const ada = await node.guest(1, 'Ada');
  const mallory = await node.guest(2, 'Mallory');
  const placed = await node.request('/orders', { token: ada.token, json: { items: [{ menuItemId: 'lemonade', note: 'for my sister' }] } });
  const id: string = placed.body.id;
  const etag = placed.headers.get('etag') ?? '';

  const attempts = [
    await node.request(`/orders/${id}`, { token: mallory.token }),
    await node.request(`/orders/${id}`, { token: mallory.token, headers: { 'if-none-match': etag } }),
    await node.request(`/orders/${id}`, { method: 'PATCH', token: mallory.token, headers: { 'if-match': etag }, json: { items: [{ menuItemId: 'fish-and-chips' }] } }),
    await node.request(`/orders/${id}`, { method: 'DELETE', token: mallory.token }),
    await node.request(`/orders/${id}/messages`, { token: mallory.token }),
    await node.request(`/orders/${id}/messages`, { token: mallory.token, json: { text: 'Cancel it!' } }),
  ];
  for (const response of attempts) {
    assertProblem(response, 404, 'not_found');
    assert.ok(!response.text.includes(ada.id) && !response.text.includes('for my sister'), response.text);
  }
  // The same answer as for an order that never existed: nothing tells the two apart.
  const never = await node.request('/orders/ord_00000000000000000000000000', { token: mallory.token });
  assert.equal(never.body.title, attempts[0]?.body.title);

  assertProblem(await node.request(`/orders/${id}/status`, { method: 'PUT', token: mallory.token, json: { status: 'accepted' } }), 403, 'forbidden');
  assert.deepEqual((await node.request('/orders', { token: mallory.token })).body.items, []);

  const untouched = await node.request(`/orders/${id}`, { token: ada.token });
  assert.equal(untouched.body.version, 1);
  assert.equal(untouched.body.status, 'placed');
  assert.equal(untouched.body.items[0].menuItemId, 'lemonade');
  assert.deepEqual((await node.request(`/orders/${id}/messages`, { token: ada.token })).body.items, []);
});
