/** Group commit and the statement cache on a real SQLite database: shared COMMITs, and failures that stay contained or fail the whole group. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { createGroupCommit } from '../../src/store/sqlite/sqlite-group-commit.ts';
import { withStatementCache } from '../../src/store/sqlite/sqlite-statement-cache.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode } from '../helpers/node.ts';

interface Schema {
  parents: { id: number };
  children: { id: number; parent_id: number };
}

async function open() {
  const connection = new Database(':memory:');
  connection.pragma('foreign_keys = ON');
  let commits = 0;
  const counting: SqliteDatabase = {
    prepare(text) {
      if (/^commit$/i.test(text.trim())) commits++;
      return connection.prepare(text);
    },
    close: () => connection.close(),
  };
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: counting }) });
  await sql`create table parents (id integer primary key)`.execute(db);
  // Deferred: a missing parent is only noticed at COMMIT, which lets a test make COMMIT fail.
  await sql`create table children (id integer primary key, parent_id integer not null references parents(id) deferrable initially deferred)`.execute(db);
  return { db, connection, commits: () => commits, transaction: createGroupCommit(db) };
}

test('transactions that arrive together share one COMMIT and all succeed', async () => {
  const { db, transaction, commits } = await open();
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      transaction(async (trx) => {
        await trx.insertInto('parents').values({ id: index + 1 }).execute();
        return index;
      }),
    ),
  );
  assert.deepEqual(results, Array.from({ length: 20 }, (_, index) => index));
  assert.equal(commits(), 1);
  const rows = await db.selectFrom('parents').select('id').execute();
  assert.equal(rows.length, 20);
  await db.destroy();
});

test('a failing member is undone alone and the rest of its group commits', async () => {
  const { db, transaction } = await open();
  const outcomes = await Promise.allSettled([
    transaction((trx) => trx.insertInto('parents').values({ id: 1 }).execute()),
    transaction(async (trx) => {
      await trx.insertInto('parents').values({ id: 2 }).execute();
      throw new Error('the handler refused');
    }),
    transaction((trx) => trx.insertInto('parents').values({ id: 3 }).execute()),
  ]);
  assert.deepEqual(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /the handler refused/);
  const ids = (await db.selectFrom('parents').select('id').orderBy('id').execute()).map((row) => row.id);
  assert.deepEqual(ids, [1, 3]);
  await db.destroy();
});

test('when the COMMIT fails, no member of the group is told it succeeded and nothing is stored', async () => {
  const { db, transaction } = await open();
  const outcomes = await Promise.allSettled([
    transaction((trx) => trx.insertInto('parents').values({ id: 1 }).execute()),
    transaction((trx) => trx.insertInto('children').values({ id: 1, parent_id: 99 }).execute()),
  ]);
  assert.deepEqual(
    outcomes.map((outcome) => outcome.status),
    ['rejected', 'rejected'],
  );
  assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /FOREIGN KEY/);
  assert.equal((await db.selectFrom('parents').select('id').execute()).length, 0);
  // The connection is usable again afterwards.
  await transaction((trx) => trx.insertInto('parents').values({ id: 5 }).execute());
  assert.deepEqual(await db.selectFrom('parents').select('id').execute(), [{ id: 5 }]);
  await db.destroy();
});

test('a read outside any transaction waits for the group instead of seeing its uncommitted rows', async () => {
  const { db, transaction } = await open();
  let readDuringGroup: number | undefined;
  await transaction(async (trx) => {
    await trx.insertInto('parents').values({ id: 1 }).execute();
    // Issued while the group holds the connection: it must not run before the COMMIT.
    void db
      .selectFrom('parents')
      .select('id')
      .execute()
      .then((rows) => (readDuringGroup = rows.length));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(readDuringGroup, undefined);
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(readDuringGroup, 1);
  await db.destroy();
});

test('the statement cache reuses a statement by its SQL, but never one still being iterated', () => {
  const connection = new Database(':memory:');
  const cached = withStatementCache(connection);
  const first = cached.prepare('select 1 as one union all select 2');
  assert.equal(cached.prepare('select 1 as one union all select 2'), first);
  const iterator = first.iterate([]);
  iterator.next();
  const whileBusy = cached.prepare('select 1 as one union all select 2');
  assert.notEqual(whileBusy, first);
  assert.deepEqual(whileBusy.all([]), [{ one: 1 }, { one: 2 }]);
  iterator.return?.();
  assert.equal(cached.prepare('select 1 as one union all select 2'), first);
  cached.close();
  assert.equal(connection.open, false);
});

test('thirty orders placed at once over HTTP are all stored, each with one event, in gapless sequence', async () => {
  const node = await startTestNode();
  try {
    const guest = await node.guest();
    const staff = await node.staffKey('waiter');
    const placed = await Promise.all(Array.from({ length: 30 }, () => node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } })));
    assert.deepEqual(new Set(placed.map((response) => response.status)), new Set([201]));
    const events = await node.request('/events?after=0&types=order.placed&limit=100', { token: staff });
    assert.equal(events.status, 200);
    const sequences = events.body.items.map((event: { sequence: string }) => Number(event.sequence));
    assert.equal(sequences.length, 30);
    assert.deepEqual(sequences, Array.from({ length: 30 }, (_, index) => (sequences[0] as number) + index));
    assert.deepEqual(new Set(events.body.items.map((event: { data: { id: string } }) => event.data.id)), new Set(placed.map((response) => response.body.id)));
  } finally {
    await node.close();
  }
});
