/**
 * Idempotency keys, over Kysely for both databases. The insert reports whether it won, so of two
 * requests with one key only the first claims it, whichever node each reached.
 */
import type { IdempotencyRecord, StoreSession } from '../core/store.ts';
import type { Database, Db } from './schema.ts';

const toIdempotencyRecord = (row: Database['idempotency_keys']): IdempotencyRecord => ({
  principalId: row.principal_id,
  key: row.key,
  operation: row.operation,
  requestHash: row.request_hash,
  state: row.state as IdempotencyRecord['state'],
  response: row.response,
  responseTag: row.response_tag === null ? null : Number(row.response_tag),
  createdAt: row.created_at,
});

export function idempotencyRepository(db: Db): StoreSession['idempotency'] {
  return {
    async find(principalId, key) {
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('principal_id', '=', principalId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row && toIdempotencyRecord(row);
    },
    async insert(record) {
      const result = await db
        .insertInto('idempotency_keys')
        .values({
          principal_id: record.principalId,
          key: record.key,
          operation: record.operation,
          request_hash: record.requestHash,
          state: record.state,
          response: record.response,
          response_tag: record.responseTag,
          created_at: record.createdAt,
        })
        .onConflict((conflict) => conflict.columns(['principal_id', 'key']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async replacePending(record) {
      await db
        .updateTable('idempotency_keys')
        .set({ state: 'pending', created_at: record.createdAt, response: null, response_tag: null })
        .where('principal_id', '=', record.principalId)
        .where('key', '=', record.key)
        .execute();
    },
    async complete(principalId, key, response, responseTag) {
      await db
        .updateTable('idempotency_keys')
        .set({ state: 'done', response, response_tag: responseTag })
        .where('principal_id', '=', principalId)
        .where('key', '=', key)
        .execute();
    },
    async delete(principalId, key) {
      // Only a claim: when a COMMIT's answer was lost (the database went away) the work may have
      // committed after all, and its completed key must stay so a retry replays it.
      await db.deleteFrom('idempotency_keys').where('principal_id', '=', principalId).where('key', '=', key).where('state', '=', 'pending').execute();
    },
  };
}
