/** The key-value meta table, over Kysely for both databases: small settings that outlive a process. */
import type { StoreSession } from '../core/store.ts';
import type { Db } from './schema.ts';

export function metaRepository(db: Db): StoreSession['meta'] {
  return {
    async get(key) {
      return (await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
    },
    async set(key, value) {
      await db
        .insertInto('meta')
        .values({ key, value })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
        .execute();
    },
  };
}
