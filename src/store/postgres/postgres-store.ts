/**
 * The store for many nodes: PostgreSQL through `pg`, the same repositories and migrations as
 * SQLite (src/store/kysely-store.ts). What differs is concurrency: many connections, many nodes.
 *
 * Sequences in commit order: an appender takes a transaction-scoped advisory lock before it reads
 * `max(seq)` and holds it until its COMMIT. The next appender therefore assigns its sequence only
 * after the previous one committed, so sequences become visible in order and a reader that has
 * seen N never later sees a new event below N. A plain sequence column would not do: values are
 * handed out at insert time and commit in any order. Writes that append nothing never take it.
 */
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { BistroError } from '../../domain/errors.ts';
import type { Store } from '../../core/store.ts';
import { createSession, type SessionOptions } from '../kysely-store.ts';
import { migrationProvider } from '../migrations.ts';
import type { Database as Schema } from '../schema.ts';

/** The advisory lock's first key, any fixed number; the second is the schema's, so each deployment (and each test node) has its own log lock. */
const eventLogLock = 8_675_309;

/** Errors that mean the database is away (refused, restarting, connection lost), not that a query is wrong. */
function databaseAway(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code !== undefined && (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message ?? '');
}

function away(error: unknown): unknown {
  return databaseAway(error) ? new BistroError('unavailable', 'The database does not answer; try again shortly.') : error;
}

/**
 * The pool as Kysely sees it, with "the database is away" turned into the catalogue's
 * `unavailable` (503 with Retry-After), so a restart of PostgreSQL fails requests fast and
 * plainly, and the pool reconnects by itself once it is back.
 */
function answeringPool(pool: pg.Pool) {
  const prepared = new WeakSet<pg.PoolClient>();
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw away(error);
      }
      // Pooled clients come back: each is prepared once.
      if (!prepared.has(client)) {
        prepared.add(client);
        // A checked-out client whose server goes away emits 'error' (its query rejects as well);
        // unheard, that event would end the process.
        client.on('error', () => {});
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        Object.assign(client, {
          query: async (...args: unknown[]) => {
            try {
              return await query(...args);
            } catch (error) {
              throw away(error);
            }
          },
        });
      }
      return client;
    },
    end: () => pool.end(),
  };
}

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`. */
  url: string;
  /** Tables live in this schema (created if missing); tests give each node its own. @default public */
  schema?: string | undefined;
  /** Connections in the pool. @default 10 */
  connections?: number;
}

export async function createPostgresStore({ url, schema, connections = 10 }: PostgresStoreOptions): Promise<Store> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: connections,
    // Fail fast while the database is away, so requests answer 503 instead of hanging.
    connectionTimeoutMillis: 5000,
    // A node keeps its few connections open: no idle timer per connection coming and going with load.
    idleTimeoutMillis: 0,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its server (a restart) must not crash the node; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: answeringPool(pool) }) });
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    // The migrator's own tables live beside Bistro's: it looks in `public` unless told.
    const { error } = await new Migrator({ db, provider: migrationProvider('postgres'), ...(schema === undefined ? {} : { migrationTableSchema: schema }) }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const options: SessionOptions = {
    lockEventLog: async (trx) => {
      await sql`select pg_advisory_xact_lock(${eventLogLock}, hashtext(current_schema()))`.execute(trx);
    },
    skipLocked: true,
  };
  const root = createSession(db, options);
  return {
    ...root,
    transaction: (work, { relaxed = false } = {}) =>
      db.transaction().execute(async (trx) => {
        // The commit returns before its WAL record is flushed: lost on a crash, never torn or reordered.
        if (relaxed) await sql`set local synchronous_commit = off`.execute(trx);
        return work(createSession(trx, options));
      }),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
