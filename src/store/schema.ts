/** Table types for the query layer (Kysely), shared by the SQLite and PostgreSQL stores. */
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
  };
}
