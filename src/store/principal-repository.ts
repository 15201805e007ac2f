/** Principals (API keys), over Kysely for both databases; only a hash of each token is stored. */
import type { StoreSession, StoredPrincipal } from '../core/store.ts';
import type { Database, Db } from './schema.ts';

function toStoredPrincipal(row: Database['principals']): StoredPrincipal {
  return {
    id: row.id,
    role: row.role as StoredPrincipal['role'],
    name: row.name,
    table: row.table_no === null ? null : Number(row.table_no),
    tokenHash: row.token_hash,
    createdAt: row.created_at,
  };
}

export function principalRepository(db: Db): StoreSession['principals'] {
  return {
    async insert(principal) {
      await db
        .insertInto('principals')
        .values({
          id: principal.id,
          role: principal.role,
          name: principal.name,
          table_no: principal.table,
          token_hash: principal.tokenHash,
          created_at: principal.createdAt,
        })
        .execute();
    },
    async findByTokenHash(tokenHash) {
      const row = await db.selectFrom('principals').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row && toStoredPrincipal(row);
    },
    async get(id) {
      const row = await db.selectFrom('principals').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toStoredPrincipal(row);
    },
    async delete(id) {
      const result = await db.deleteFrom('principals').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
