/**
 * Kysely's SQLite driver prepares every query afresh, and preparing costs more than running a
 * point query. This hands it a database whose `prepare` reuses statements by their SQL text.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** @default 500 statements — the store issues a few dozen distinct ones; `in (?, ?, …)` lists add a few per length. */
const defaultLimit = 500;

export function withStatementCache(connection: Database.Database, limit = defaultLimit): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      // A statement still being iterated (a streamed query) cannot run again until it finishes.
      if (cached && !cached.busy) return cached;
      const statement = connection.prepare(sql);
      if (!cached) {
        if (statements.size >= limit) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      connection.close();
    },
  };
}
