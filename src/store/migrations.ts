/**
 * One migration set for both databases, written with Kysely's schema builder. The only
 * dialect difference is the width of the event sequence. Sequences are assigned by the
 * appender (max + 1 under the append lock), not by the database, so they follow commit order.
 */
import { type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('menu_items')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('category', 'text', (c) => c.notNull())
          .addColumn('price_cents', 'integer', (c) => c.notNull())
          .addColumn('available', 'integer', (c) => c.notNull())
          .addColumn('ingredients', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('orders')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('guest_id', 'text', (c) => c.notNull())
          .addColumn('table_no', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('items', 'text', (c) => c.notNull())
          .addColumn('total_cents', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('orders_guest').on('orders').columns(['guest_id', 'id']).execute();
        await db.schema.createIndex('orders_status').on('orders').columns(['status', 'id']).execute();
        await db.schema
          .createTable('messages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('order_id', 'text', (c) => c.notNull())
          .addColumn('from_role', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('messages_order').on('messages').columns(['order_id', 'id']).execute();
        await db.schema
          .createTable('principals')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('table_no', 'integer')
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('idempotency_keys')
          .addColumn('principal_id', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('operation', 'text', (c) => c.notNull())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('response', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal_id', 'key'])
          .execute();
        await db.schema
          .createTable('meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('events')
          .addColumn('seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey().notNull())
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('time', 'text', (c) => c.notNull())
          .addColumn('audience', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_audience').on('events').columns(['audience', 'seq']).execute();
      },
    },
    '0002_events_by_subject': {
      // A resource's change tag is the last event about it: found by subject, newest first.
      async up(db: Kysely<unknown>) {
        await db.schema.createIndex('events_subject').on('events').columns(['subject', 'seq']).execute();
      },
    },
    '0003_idempotency_response_tag': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('idempotency_keys').addColumn('response_tag', 'integer').execute();
      },
    },
    '0004_message_client_ids': {
      // A sender's own id for a message, so a retried send finds the message it already posted.
      // NULLs are distinct in a unique index on both databases: messages without one never collide.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('messages').addColumn('sender_id', 'text').execute();
        await db.schema.alterTable('messages').addColumn('client_id', 'text').execute();
        await db.schema.createIndex('messages_client_id').unique().on('messages').columns(['order_id', 'sender_id', 'client_id']).execute();
      },
    },
    '0005_webhooks': {
      // Times the queue compares (due, lease) are milliseconds since the epoch, so both databases
      // compare numbers; times people read stay ISO text like everywhere else.
      async up(db: Kysely<unknown>) {
        const big = dialect === 'postgres' ? 'bigint' : 'integer';
        await db.schema
          .createTable('webhook_endpoints')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('owner_role', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('types', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull())
          .addColumn('disabled_reason', 'text')
          .addColumn('secrets', 'text', (c) => c.notNull())
          .addColumn('cursor', big, (c) => c.notNull())
          .addColumn('failing_since', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhook_endpoints_owner').on('webhook_endpoints').columns(['owner_id', 'id']).execute();
        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('seq', big)
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('due_at', big)
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', big)
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        // The worker's question, "what is due?", and the owner's, "what happened to my endpoint?".
        await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'due_at']).execute();
        await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'status', 'due_at']).execute();
        await db.schema.createIndex('webhook_deliveries_by_id').on('webhook_deliveries').columns(['endpoint_id', 'id']).execute();
        // When the next lease lapses: a seek, not a scan of every pending delivery.
        await db.schema.createIndex('webhook_deliveries_lease').on('webhook_deliveries').columns(['status', 'lease_until']).execute();
        await db.schema
          .createTable('webhook_attempts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('attempt', 'integer', (c) => c.notNull())
          .addColumn('response_status', 'integer')
          .addColumn('latency_ms', 'integer', (c) => c.notNull())
          .addColumn('error', 'text')
          .addColumn('response', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'attempt']).execute();
      },
    },
    '0006_request_ids': {
      // The request that caused an event, and so each webhook delivery of it: a support case that
      // starts from an `x-request-id` finds the attempts its request rang. Nullable: older rows had none.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('events').addColumn('request_id', 'text').execute();
        await db.schema.alterTable('webhook_deliveries').addColumn('request_id', 'text').execute();
      },
    },
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
