/**
 * The store backends tests run on. SQLite always; PostgreSQL when it answers (BISTRO_TEST_POSTGRES_URL,
 * default postgres://postgres@127.0.0.1:5432/test). Each store gets a schema of its own, dropped
 * when it closes, so tests never see each other's rows. Where PostgreSQL is missing its tests are
 * skipped with a line saying how to enable them, except under CI=true, where they run and fail.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../../src/core/store.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

export const postgresUrl = process.env['BISTRO_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export type BackendName = 'sqlite' | 'postgres';

/** A place for one node's data: the env that points a node at it, and how to remove it. */
export interface BackendPlace {
  env: Record<string, string>;
  remove(): Promise<void>;
}

let postgresReachable: Promise<boolean> | undefined;

function reachable(): Promise<boolean> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresReachable;
}

/** Why PostgreSQL tests are skipped here, or undefined when they run. */
export async function postgresSkipReason(): Promise<string | undefined> {
  if ((await reachable()) || process.env['CI'] === 'true') return undefined;
  return `no PostgreSQL at ${postgresUrl}: start it (pg_ctlcluster 15 main start) or set BISTRO_TEST_POSTGRES_URL`;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** A fresh, empty place on `backend` for one node or store. */
export function newPlace(backend: BackendName): BackendPlace & { schema?: string; file?: string } {
  if (backend === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    return { schema, env: { BISTRO_DB: postgresUrl, BISTRO_DB_SCHEMA: schema }, remove: () => dropSchema(schema) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bistro-test-'));
  const file = join(dir, 'bistro.db');
  return { file, env: { BISTRO_DB: `sqlite:${file}` }, remove: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A store on `backend` in a place of its own; closing it removes the place. */
export async function openStore(backend: BackendName): Promise<Store> {
  const place = newPlace(backend);
  const store = place.schema !== undefined ? await createPostgresStore({ url: postgresUrl, schema: place.schema }) : await createSqliteStore({ file: place.file ?? ':memory:', synchronous: 'normal' });
  return {
    ...store,
    async close() {
      await store.close();
      await place.remove();
    },
  };
}

/** The backend pattern suites run on: BISTRO_TEST_DB (sqlite or postgres). @default sqlite */
export function testBackend(): BackendName {
  const name = process.env['BISTRO_TEST_DB'] ?? 'sqlite';
  if (name !== 'sqlite' && name !== 'postgres') throw new Error(`BISTRO_TEST_DB must be sqlite or postgres, not "${name}"`);
  return name;
}

export const backends: readonly BackendName[] = ['sqlite', 'postgres'];

/** `count` stores on one place, as `count` nodes would share a database (PostgreSQL; SQLite has one writer, so one store). */
export async function openSharedStores(backend: BackendName, count: number): Promise<{ stores: Store[]; close(): Promise<void> }> {
  const place = newPlace(backend);
  const stores: Store[] = [];
  if (place.schema !== undefined) {
    // One after another: the first creates the schema and migrates; the others find it done.
    for (let index = 0; index < count; index++) stores.push(await createPostgresStore({ url: postgresUrl, schema: place.schema, connections: 4 }));
  } else {
    stores.push(await createSqliteStore({ file: place.file ?? ':memory:', synchronous: 'normal' }));
  }
  return {
    stores,
    async close() {
      for (const store of stores) await store.close();
      await place.remove();
    },
  };
}
