/** Table types for the query layer (Kysely), shared by the SQLite and PostgreSQL stores. */
import type { Kysely, Transaction } from 'kysely';

/** What every repository queries: the connection itself, or the transaction a session runs in. */
export type Db = Kysely<Database> | Transaction<Database>;

export interface Database {
  menu_items: {
    id: string;
    name: string;
    description: string;
    category: string;
    price_cents: number;
    /** 0 or 1: one representation both databases store the same way. */
    available: number;
    ingredients: string;
    version: number;
    updated_at: string;
  };
  orders: {
    id: string;
    guest_id: string;
    table_no: number;
    status: string;
    items: string;
    total_cents: number;
    version: number;
    created_at: string;
    updated_at: string;
  };
  messages: { id: string; order_id: string; from_role: string; text: string; at: string; sender_id: string | null; client_id: string | null };
  principals: { id: string; role: string; name: string; table_no: number | null; token_hash: string; created_at: string };
  idempotency_keys: {
    principal_id: string;
    key: string;
    operation: string;
    request_hash: string;
    state: string;
    response: string | null;
    response_tag: number | null;
    created_at: string;
  };
  meta: { key: string; value: string };
  events: {
    /** Assigned by the appender, in commit order. */
    seq: number;
    id: string;
    type: string;
    source: string;
    subject: string;
    time: string;
    audience: string;
    data: string;
    request_id: string | null;
  };
  webhook_endpoints: {
    id: string;
    owner_id: string;
    owner_role: string;
    url: string;
    /** JSON array of event types. */
    types: string;
    description: string;
    enabled: number;
    disabled_reason: string | null;
    /** JSON array of `{ secret, expiresAt }`. */
    secrets: string;
    cursor: number;
    failing_since: string | null;
    created_at: string;
    updated_at: string;
  };
  webhook_deliveries: {
    id: string;
    endpoint_id: string;
    event_id: string;
    type: string;
    seq: number | null;
    payload: string;
    status: string;
    attempts: number;
    /** ms since the epoch */
    due_at: number | null;
    lease_owner: string | null;
    lease_until: number | null;
    created_at: string;
    request_id: string | null;
  };
  webhook_attempts: {
    id: string;
    delivery_id: string;
    event_id: string;
    attempt: number;
    response_status: number | null;
    latency_ms: number;
    error: string | null;
    response: string;
    at: string;
  };
}
