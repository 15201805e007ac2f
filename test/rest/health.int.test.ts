/** GET /healthz (the process answers) and GET /readyz (the database answers too; 503 when it does not). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/core/store.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem } from './steps.ts';

let node: TestNode;
let databaseDown = false;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bistro-health-'));
  const store = await createSqliteStore({ file: join(dir, 'bistro.db') });
  // The real store, except that its ping fails while the test says the database is down.
  const flaky: Store = {
    ...store,
    async ping() {
      if (databaseDown) throw new Error('database unreachable');
      return store.ping();
    },
  };
  node = await startTestNode({}, { store: flaky });
});
after(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

test('healthz answers 200 without a token', async () => {
  const response = await node.request('/healthz');
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { status: 'ok' });
});

test('readyz answers 200 while the database answers', async () => {
  const response = await node.request('/readyz');
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { status: 'ready' });
});

test('readyz answers 503 unavailable while the database does not, and healthz stays 200', async () => {
  databaseDown = true;
  try {
    const response = await node.request('/readyz');
    assertProblem(response, 503, 'unavailable');
    assert.ok(!response.text.includes('unreachable'), 'the internal error is not shown');
    assert.equal((await node.request('/healthz')).status, 200);
  } finally {
    databaseDown = false;
  }
  assert.equal((await node.request('/readyz')).status, 200);
});
