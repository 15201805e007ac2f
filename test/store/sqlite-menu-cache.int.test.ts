/** The SQLite store's in-memory menu never answers with anything older than the last commit, whoever wrote it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { seedMenu, type MenuItem } from '../../src/domain/menu.ts';
import { createSession } from '../../src/store/kysely-store.ts';
import { migrationProvider } from '../../src/store/migrations.ts';
import type { Database as Schema } from '../../src/store/schema.ts';
import { createMenuCache } from '../../src/store/sqlite/sqlite-menu-cache.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { startTestNode } from '../helpers/node.ts';

async function openStore() {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-menu-cache-'));
  const file = join(dir, 'bistro.db');
  const store = await createSqliteStore({ file, synchronous: 'normal' });
  for (const draft of seedMenu.slice(0, 3)) await store.transaction((session) => session.menu.insert({ ...draft, version: 1, updatedAt: '2024-05-01T12:00:00.000Z' }));
  return {
    store,
    file,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const repriced = (item: MenuItem, priceCents: number): MenuItem => ({ ...item, priceCents, version: item.version + 1 });

test('a menu change over HTTP shows in the very next read, with a new ETag', async () => {
  const node = await startTestNode();
  try {
    const before = await node.request('/menu/fish-and-chips');
    await node.request('/menu'); // both reads now come from memory
    const { id: _id, version: _version, updatedAt: _updatedAt, ...fields } = before.body;
    const changed = await node.request('/menu/fish-and-chips', { method: 'PUT', token: node.adminToken, json: { ...fields, priceCents: 999 } });
    assert.equal(changed.status, 200);
    const after = await node.request('/menu/fish-and-chips');
    assert.equal(after.body.priceCents, 999);
    assert.notEqual(after.headers.get('etag'), before.headers.get('etag'));
    const list = await node.request('/menu');
    assert.equal(list.body.items.find((item: MenuItem) => item.id === 'fish-and-chips').priceCents, 999);
    assert.equal((await node.request('/menu/fish-and-chips', { method: 'DELETE', token: node.adminToken })).status, 204);
    assert.equal((await node.request('/menu/fish-and-chips')).status, 404);
    assert.equal((await node.request('/menu')).body.items.some((item: MenuItem) => item.id === 'fish-and-chips'), false);
  } finally {
    await node.close();
  }
});

test('a write by another connection to the same file shows in the next read', async () => {
  const { store, file, close } = await openStore();
  try {
    const [first] = await store.menu.list();
    assert.ok(first);
    await store.menu.get(first.id);
    const other = new Database(file);
    other.prepare('update menu_items set price_cents = 1 where id = ?').run(first.id);
    other.prepare('delete from menu_items where id != ?').run(first.id);
    other.close();
    assert.equal((await store.menu.get(first.id))?.priceCents, 1);
    assert.deepEqual(
      (await store.menu.list()).map((item) => item.id),
      [first.id],
    );
  } finally {
    await close();
  }
});

test('a read racing a write never leaves the old menu behind, however the two interleave', async () => {
  const { store, close } = await openStore();
  try {
    const [item] = await store.menu.list();
    assert.ok(item);
    let current = item;
    for (let delay = 0; delay < 12; delay++) {
      await store.menu.list(); // warm: the race starts from a full cache too, on odd rounds from an empty one
      if (delay % 2 === 1) await store.transaction((session) => session.menu.update((current = repriced(current, current.priceCents + 1))));
      const next = repriced(current, current.priceCents + 1);
      const reading = store.menu.get(item.id);
      for (let tick = 0; tick < delay; tick++) await Promise.resolve();
      const writing = store.transaction((session) => session.menu.update(next));
      await Promise.all([reading, writing]);
      current = next;
      assert.equal((await store.menu.get(item.id))?.priceCents, next.priceCents, `interleaving ${delay}`);
      assert.equal((await store.menu.list()).find((each) => each.id === item.id)?.priceCents, next.priceCents, `interleaving ${delay}`);
    }
  } finally {
    await close();
  }
});

test('a menu write whose transaction fails leaves the committed menu in place', async () => {
  const { store, close } = await openStore();
  try {
    const [item] = await store.menu.list();
    assert.ok(item);
    await assert.rejects(
      store.transaction(async (session) => {
        await session.menu.update(repriced(item, 1));
        assert.equal((await session.menu.get(item.id))?.priceCents, 1, 'the transaction sees its own write');
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.deepEqual(await store.menu.get(item.id), item);
  } finally {
    await close();
  }
});

test('what a read hands out is the caller\u2019s own: changing it changes no later read', async () => {
  const { store, close } = await openStore();
  try {
    const [item] = await store.menu.list();
    assert.ok(item);
    const first = await store.menu.get(item.id);
    assert.ok(first?.ingredients[0]);
    first.priceCents = 0;
    first.ingredients[0].portions = 99;
    const list = await store.menu.list();
    list.reverse().pop();
    assert.deepEqual(await store.menu.get(item.id), item);
    assert.equal((await store.menu.list()).length, 3);
    assert.deepEqual(await store.menu.getMany([item.id, 'no-such-dish']), [item]);
  } finally {
    await close();
  }
});

test('a read that began before a write does not fill the cache with what it read, even when it ends after', async () => {
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await new Migrator({ db, provider: migrationProvider('sqlite') }).migrateToLatest();
  const session = createSession(db, { lockEventLog: async () => {} });
  const item: MenuItem = { ...(seedMenu[0] as MenuItem), version: 1, updatedAt: '2024-05-01T12:00:00.000Z' };
  await session.menu.insert(item);

  // The real repository, with its first list held back until the write is done: the slowest interleaving.
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const slow = {
    ...session.menu,
    async list() {
      const rows = await session.menu.list();
      if (!held) {
        held = true;
        await gate;
      }
      return rows;
    },
  };
  const cache = createMenuCache(slow, () => 0);
  const reading = cache.root.get(item.id);
  assert.equal(await cache.watchWrites(session.menu).update(repriced(item, 1)), true);
  release();
  assert.equal((await reading)?.priceCents, item.priceCents, 'it answers what it read: that was true when it began');
  assert.equal((await cache.root.get(item.id))?.priceCents, 1);
  await db.destroy();
});
