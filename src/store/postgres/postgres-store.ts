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

/** Errors that mean the database is away (refused, restarting, connection lost, too slow), not that a query is wrong. */
function databaseAway(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  // 57014: a statement cancelled by `statement_timeout`; 57P0x: the server shutting down or starting.
  if (code !== undefined && (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57014', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|timeout expired|Client has encountered a connection error|Client was closed and is not queryable|not queryable/i.test(message ?? '');
}

const awayError = () => new BistroError('unavailable', 'The database does not answer; try again shortly.');

/**
 * A transaction PostgreSQL ended to break a deadlock (40P01) or a serialization conflict (40001):
 * nothing of it was written, and running it again is the documented answer. Lock order is kept
 * where it is known (webhook-repositories.ts); this catches the orders nobody has found yet.
 */
function conflict(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '40P01' || code === '40001';
}

/** Tries of one transaction that keeps meeting conflicts before it is answered `unavailable`. */
const conflictTries = 3;

function away(error: unknown): unknown {
  return databaseAway(error) ? awayError() : error;
}

/** A client's socket, to be cut when the client is abandoned: `pg` has no public way to drop a connection without a goodbye the silent server would never answer. */
function dropConnection(client: pg.PoolClient): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * The pool as Kysely sees it, with "the database is away" turned into the catalogue's
 * `unavailable` (503 with Retry-After), so a restart of PostgreSQL fails requests fast and
 * plainly, and the pool reconnects by itself once it is back.
 *
 * Every query has a deadline (`timeoutMs`; 0 for none, as migrations have). A connection whose server went silent (a network
 * black hole: no reset, no answer) would otherwise hold its request for as long as TCP takes to
 * give up, minutes. Past the deadline the query is answered `unavailable`, the client is marked
 * abandoned (its next queries, such as Kysely's ROLLBACK, fail at once instead of waiting again),
 * its socket is cut, and releasing it removes it from the pool instead of handing it to the next
 * request. `statement_timeout` ends a query the server is merely slow with the same deadline.
 */
function answeringPool(pool: pg.Pool, timeoutMs: number) {
  const prepared = new WeakSet<pg.PoolClient>();
  const abandoned = new WeakSet<pg.PoolClient>();
  const abandon = (client: pg.PoolClient) => {
    abandoned.add(client);
    dropConnection(client);
  };
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw away(error);
      }
      // The pool sets `release` at every checkout: an abandoned client goes with an error, which removes it.
      const release = client.release.bind(client);
      client.release = (error?: Error | boolean) => release(error ?? (abandoned.has(client) ? new Error('abandoned after a query deadline') : undefined));
      // Pooled clients come back: each is prepared once.
      if (!prepared.has(client)) {
        prepared.add(client);
        // A checked-out client whose server goes away emits 'error' (its query rejects as well);
        // unheard, that event would end the process.
        client.on('error', () => {});
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        Object.assign(client, {
          query: async (...args: unknown[]) => {
            if (abandoned.has(client)) throw awayError();
            let timer: NodeJS.Timeout | undefined;
            const deadline = new Promise<never>((_resolve, reject) => {
              if (timeoutMs > 0) {
                timer = setTimeout(() => {
                  abandon(client);
                  reject(awayError());
                }, timeoutMs);
              }
            });
            try {
              return await Promise.race([query(...args), deadline]);
            } catch (error) {
              // A statement the server cancelled leaves a sound connection; any other loss leaves none.
              if (databaseAway(error) && (error as { code?: string }).code !== '57014') abandon(client);
              throw away(error);
            } finally {
              clearTimeout(timer);
            }
          },
        });
      }
      return client;
    },
    end: () => pool.end(),
  };
}

function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle client losing its server (a restart) must not crash the node; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`. */
  url: string;
  /** Tables live in this schema (created if missing); tests give each node its own. @default public */
  schema?: string | undefined;
  /** Connections in the pool. @default 10 */
  connections?: number;
  /** Longest wait for a connection, or for one query's answer, before the database counts as away. @default 5000 ms */
  timeoutMs?: number;
}

export async function createPostgresStore({ url, schema, connections = 10, timeoutMs = 5000 }: PostgresStoreOptions): Promise<Store> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const searchPath = schema === undefined ? {} : { options: `-c search_path=${schema}` };
  // Migrations may rightly run long (an index built on a big table): they get a connection of their
  // own, with no deadline on their statements, closed before the node serves.
  const migrating = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: answeringPool(quietPool({ connectionString: url, max: 1, connectionTimeoutMillis: timeoutMs, ...searchPath }), 0) }),
  });
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(migrating);
    // The migrator's own tables live beside Bistro's: it looks in `public` unless told.
    const { error } = await new Migrator({ db: migrating, provider: migrationProvider('postgres'), ...(schema === undefined ? {} : { migrationTableSchema: schema }) }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  } finally {
    await migrating.destroy();
  }

  const pool = quietPool({
    connectionString: url,
    max: connections,
    // Fail fast while the database is away, so requests answer 503 instead of hanging.
    connectionTimeoutMillis: timeoutMs,
    // The server ends a statement that runs past the deadline itself, freeing its locks at once.
    statement_timeout: timeoutMs,
    // An idle connection to a vanished host is found out by TCP, not only by the next query.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // A node keeps its few connections open: no idle timer per connection coming and going with load.
    idleTimeoutMillis: 0,
    ...searchPath,
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: answeringPool(pool, timeoutMs) }) });

  const options: SessionOptions = {
    lockEventLog: async (trx) => {
      await sql`select pg_advisory_xact_lock(${eventLogLock}, hashtext(current_schema()))`.execute(trx);
    },
    rowLocks: true,
  };
  const root = createSession(db, options);
  return {
    ...root,
    async transaction(work, { relaxed = false } = {}) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (trx) => {
            // The commit returns before its WAL record is flushed: lost on a crash, never torn or reordered.
            if (relaxed) await sql`set local synchronous_commit = off`.execute(trx);
            return work(createSession(trx, options));
          });
        } catch (error) {
          if (!conflict(error)) throw error;
          if (attempt >= conflictTries) throw new BistroError('unavailable', 'The database kept meeting conflicting writes; try again shortly.');
          // A short random pause, so the two sides of a deadlock do not meet again at once.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
        }
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
