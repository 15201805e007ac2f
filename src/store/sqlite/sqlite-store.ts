/**
 * The embedded store: SQLite through better-sqlite3 in WAL mode. One connection serves the
 * process, so writers are serialised and sequences follow commit order without extra locking;
 * writers arriving together share one COMMIT (group commit).
 *
 * No menu is kept in memory here: ready-made answers live in core (core/answer-cache.ts), one rule
 * for every pattern (kept until the log grows). A second, store-level copy had its own rule
 * (PRAGMA data_version before every read) and served only query operations outside transactions,
 * which the core's cache already answers; pricing an order reads inside its transaction, which
 * that copy never served.
 */
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Store } from '../../core/store.ts';
import { createSession } from '../kysely-store.ts';
import { createGroupCommit } from './sqlite-group-commit.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';
import { migrationProvider } from '../migrations.ts';
import type { Database as Schema } from '../schema.ts';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  file: string;
  /**
   * `full` (default) fsyncs the WAL at every commit, so an acknowledged write survives power loss;
   * `normal` is faster and survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'full' | 'normal';
}

export async function createSqliteStore({ file, synchronous = 'full' }: SqliteStoreOptions): Promise<Store> {
  const connection = new Database(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });

  const { error } = await new Migrator({ db, provider: migrationProvider('sqlite') }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  // One process writes this file, so a claim still pending when it opens was left by a request the
  // last process died in (its work never committed: a key is completed in the work's own
  // transaction). Freed now, the client's retry runs at once instead of meeting
  // `idempotency_key_in_progress` until the claim is old enough to count as abandoned (60 s).
  await db.deleteFrom('idempotency_keys').where('state', '=', 'pending').execute();

  // One connection means appends (and claims) are already serialised; nothing more to lock.
  const options = { lockEventLog: async () => {}, rowLocks: false };
  const groupCommit = createGroupCommit(db, { synchronous });
  const root = createSession(db, options);
  return {
    ...root,
    transaction: (work, { relaxed = false } = {}) => groupCommit((trx) => work(createSession(trx, options)), relaxed),
    async ping() {
      connection.prepare('select 1').get();
    },
    async close() {
      await db.destroy();
    },
  };
}
