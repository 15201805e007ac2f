/**
 * Webhook endpoints and their delivery queue, over Kysely for both databases. The queue is a table:
 * a worker leases due rows (owner + lease end), sends them, and settles them; a lease that lapses
 * (its worker died) makes the row claimable again. On PostgreSQL the claim locks the rows it takes
 * with FOR UPDATE SKIP LOCKED, so workers on several nodes never take the same row or wait on each other.
 */
import type { EventType } from '../domain/events.ts';
import type { DeliveryAttempt, DeliveryStatus, StoredEndpoint, WebhookDelivery } from '../domain/webhook.ts';
import type { DeliverySettlement, StoreSession } from '../core/store.ts';
import type { Database, Db } from './schema.ts';

type EndpointRow = Database['webhook_endpoints'];

export interface QueueOptions {
  /** PostgreSQL: lock rows (claims with SKIP LOCKED). SQLite has one writer and no row locks. */
  rowLocks: boolean;
}

const toEndpoint = (row: EndpointRow): StoredEndpoint => ({
  id: row.id,
  url: row.url,
  types: JSON.parse(row.types) as EventType[],
  description: row.description,
  enabled: Number(row.enabled) === 1,
  disabledReason: row.disabled_reason,
  ownerId: row.owner_id,
  ownerRole: row.owner_role as StoredEndpoint['ownerRole'],
  secrets: JSON.parse(row.secrets) as StoredEndpoint['secrets'],
  cursor: Number(row.cursor),
  failingSince: row.failing_since,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const fromEndpoint = (endpoint: StoredEndpoint): EndpointRow => ({
  id: endpoint.id,
  owner_id: endpoint.ownerId,
  owner_role: endpoint.ownerRole,
  url: endpoint.url,
  types: JSON.stringify(endpoint.types),
  description: endpoint.description,
  enabled: endpoint.enabled ? 1 : 0,
  disabled_reason: endpoint.disabledReason,
  secrets: JSON.stringify(endpoint.secrets),
  cursor: endpoint.cursor,
  failing_since: endpoint.failingSince,
  created_at: endpoint.createdAt,
  updated_at: endpoint.updatedAt,
});

const toAttempt = (row: Database['webhook_attempts'], requestId: string | null): DeliveryAttempt => ({
  id: row.id,
  eventId: row.event_id,
  attempt: Number(row.attempt),
  responseStatus: row.response_status === null ? null : Number(row.response_status),
  latencyMs: Number(row.latency_ms),
  error: row.error,
  response: row.response,
  at: row.at,
  requestId,
});

export function webhookRepository(db: Db, { rowLocks }: QueueOptions): StoreSession['webhooks'] {
  return {
    async insert(endpoint) {
      await db.insertInto('webhook_endpoints').values(fromEndpoint(endpoint)).execute();
    },
    async get(id, { lock = false } = {}) {
      let query = db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id);
      if (lock && rowLocks) query = query.forNoKeyUpdate();
      const row = await query.executeTakeFirst();
      return row && toEndpoint(row);
    },
    async list({ ownerId, beforeId, limit }) {
      let query = db.selectFrom('webhook_endpoints').selectAll();
      if (ownerId !== undefined) query = query.where('owner_id', '=', ownerId);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return (await query.orderBy('id', 'desc').limit(limit).execute()).map(toEndpoint);
    },
    async update(endpoint) {
      const { id: _id, owner_id: _owner, owner_role: _role, created_at: _created, failing_since: _failing, ...changed } = fromEndpoint(endpoint);
      await db.updateTable('webhook_endpoints').set(changed).where('id', '=', endpoint.id).execute();
    },
    async delete(id) {
      const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async deleteByOwner(ownerId) {
      await db.deleteFrom('webhook_endpoints').where('owner_id', '=', ownerId).execute();
    },
    async behind(head, limit) {
      const rows = await db.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', 1).where('cursor', '<', head).orderBy('cursor').limit(limit).execute();
      return rows.map(toEndpoint);
    },
    async advance(id, from, to) {
      const result = await db.updateTable('webhook_endpoints').set({ cursor: to }).where('id', '=', id).where('cursor', '=', from).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async advanceIdle(ids, to) {
      if (ids.length === 0) return;
      await db.updateTable('webhook_endpoints').set({ cursor: to }).where('id', 'in', ids).where('cursor', '<', to).execute();
    },
    async setFailingSince(id, since) {
      // Only a change is written: a success on a healthy endpoint (the usual case) writes nothing.
      const query = db
        .updateTable('webhook_endpoints')
        .set({ failing_since: since })
        .where('id', '=', id)
        .where('failing_since', since === null ? 'is not' : 'is', null);
      await query.execute();
    },
    async disable(id, reason, now) {
      await db.updateTable('webhook_endpoints').set({ enabled: 0, disabled_reason: reason, updated_at: now }).where('id', '=', id).execute();
    },
    async countDisabled() {
      const row = await db.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll().as('count')).where('enabled', '=', 0).executeTakeFirst();
      return Number(row?.count ?? 0);
    },
  };
}

export function deliveryRepository(db: Db, { rowLocks }: QueueOptions): StoreSession['deliveries'] {
  /** Pending and nobody's, or held by a lease that lapsed. */
  const claimable = (now: number) =>
    db
      .selectFrom('webhook_deliveries')
      .where('status', '=', 'pending')
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));

  return {
    async insert(deliveries) {
      if (deliveries.length === 0) return;
      await db
        .insertInto('webhook_deliveries')
        .values(
          deliveries.map((delivery) => ({
            id: delivery.id,
            endpoint_id: delivery.endpointId,
            event_id: delivery.eventId,
            type: delivery.type,
            seq: delivery.sequence,
            payload: delivery.payload,
            status: 'pending',
            attempts: 0,
            due_at: delivery.dueAt,
            lease_owner: null,
            lease_until: null,
            created_at: delivery.createdAt,
            request_id: delivery.requestId,
          })),
        )
        .execute();
    },
    async dueEndpoints(now, limit) {
      // One index seek per enabled endpoint ("has it anything due?"), never a scan of the backlog:
      // a dead endpoint with thousands of deliveries waiting costs the same as one with none.
      const rows = await db
        .selectFrom('webhook_endpoints')
        .select('id')
        .where('enabled', '=', 1)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('webhook_deliveries')
              .select('webhook_deliveries.id')
              .whereRef('webhook_deliveries.endpoint_id', '=', 'webhook_endpoints.id')
              .where('webhook_deliveries.status', '=', 'pending')
              .where('webhook_deliveries.due_at', '<=', now)
              .where((inner) => inner.or([inner('webhook_deliveries.lease_until', 'is', null), inner('webhook_deliveries.lease_until', '<', now)])),
          ),
        )
        .limit(limit)
        .execute();
      return rows.map((row) => row.id);
    },
    async claim({ endpointId, owner, leaseUntil, now, limit }) {
      let due = claimable(now).select('id').where('endpoint_id', '=', endpointId).orderBy('due_at').limit(limit);
      if (rowLocks) due = due.forUpdate().skipLocked();
      // One statement takes the rows and answers them (RETURNING: SQLite 3.35+, PostgreSQL).
      const rows = await db
        .updateTable('webhook_deliveries')
        .set({ lease_owner: owner, lease_until: leaseUntil })
        .where('id', 'in', due)
        .returning(['id', 'event_id', 'payload', 'attempts', 'request_id'])
        .execute();
      if (rows.length === 0) return [];
      const endpoint = await db.selectFrom('webhook_endpoints').select(['url', 'secrets']).where('id', '=', endpointId).executeTakeFirstOrThrow();
      const secrets = JSON.parse(endpoint.secrets) as StoredEndpoint['secrets'];
      return rows.map((row) => ({ id: row.id, endpointId, eventId: row.event_id, payload: row.payload, attempts: Number(row.attempts), url: endpoint.url, secrets, requestId: row.request_id }));
    },
    async settle(owner, settlements) {
      if (settlements.length === 0) return new Set();
      const settled = new Set<string>();
      // Endpoints before their deliveries, in id order: the order a delete takes them in (its row,
      // then the cascade). The caller goes on to write each endpoint's failing streak; had the
      // deliveries been locked first, a delete in between would deadlock with it.
      if (rowLocks) {
        const endpoints = db.selectFrom('webhook_deliveries').select('endpoint_id').where('id', 'in', settlements.map(({ id }) => id));
        await db.selectFrom('webhook_endpoints').select('id').where('id', 'in', endpoints).orderBy('id').forNoKeyUpdate().execute();
      }
      // Successes share one statement; a failure's next due time is its own. Only rows `owner` still
      // holds are settled: a lease that lapsed belongs to whoever took the delivery next.
      const delivered = settlements.filter(({ settlement }) => settlement.status === 'delivered').map(({ id }) => id);
      const groups: [string[], DeliverySettlement][] = [
        ...(delivered.length > 0 ? [[delivered, { status: 'delivered', dueAt: null }] as [string[], DeliverySettlement]] : []),
        ...settlements.filter(({ settlement }) => settlement.status !== 'delivered').map(({ id, settlement }): [string[], DeliverySettlement] => [[id], settlement]),
      ];
      for (const [ids, { status, dueAt }] of groups) {
        const rows = await db
          .updateTable('webhook_deliveries')
          .set((eb) => ({ status, due_at: dueAt, attempts: eb('attempts', '+', 1), lease_owner: null, lease_until: null }))
          .where('id', 'in', ids)
          .where('lease_owner', '=', owner)
          .returning('id')
          .execute();
        for (const { id } of rows) settled.add(id);
      }
      const attempts = settlements.filter(({ id }) => settled.has(id));
      if (attempts.length > 0) {
        await db
          .insertInto('webhook_attempts')
          .values(
            attempts.map(({ id, attempt }) => ({
              id: attempt.id,
              delivery_id: id,
              event_id: attempt.eventId,
              attempt: attempt.attempt,
              response_status: attempt.responseStatus,
              latency_ms: attempt.latencyMs,
              error: attempt.error,
              response: attempt.response,
              at: attempt.at,
            })),
          )
          .execute();
      }
      return settled;
    },
    async release(ids, owner) {
      if (ids.length === 0) return;
      await db.updateTable('webhook_deliveries').set({ lease_owner: null, lease_until: null }).where('id', 'in', ids).where('lease_owner', '=', owner).execute();
    },
    async nextDue() {
      // Two seeks on (status, due_at) and (status, lease_until): the first unleased due time and
      // the first lease to lapse. A disabled endpoint's deliveries are parked (no due time).
      const due = await db.selectFrom('webhook_deliveries').select('due_at').where('status', '=', 'pending').where('due_at', 'is not', null).where('lease_until', 'is', null).orderBy('due_at').limit(1).executeTakeFirst();
      const lapse = await db.selectFrom('webhook_deliveries').select('lease_until').where('status', '=', 'pending').where('lease_until', 'is not', null).orderBy('lease_until').limit(1).executeTakeFirst();
      const times = [due?.due_at, lapse?.lease_until].filter((time): time is number => time !== null && time !== undefined).map(Number);
      return times.length === 0 ? null : Math.min(...times);
    },
    async backlog(now) {
      const pending = await db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll().as('count')).where('status', '=', 'pending').executeTakeFirst();
      // A seek on (status, due_at): the first due time among deliveries nobody holds (or whose lease lapsed).
      const oldest = await db
        .selectFrom('webhook_deliveries')
        .select('due_at')
        .where('status', '=', 'pending')
        .where('due_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('due_at')
        .limit(1)
        .executeTakeFirst();
      return { pending: Number(pending?.count ?? 0), oldestDueAt: oldest?.due_at === undefined || oldest.due_at === null ? null : Number(oldest.due_at) };
    },
    async park(endpointId) {
      await db.updateTable('webhook_deliveries').set({ due_at: null }).where('endpoint_id', '=', endpointId).where('status', '=', 'pending').execute();
    },
    async unpark(endpointId, dueAt) {
      await db.updateTable('webhook_deliveries').set({ due_at: dueAt }).where('endpoint_id', '=', endpointId).where('status', '=', 'pending').where('due_at', 'is', null).execute();
    },
    async list(endpointId, beforeId, limit) {
      let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      if (rows.length === 0) return [];
      const attempts = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where(
          'delivery_id',
          'in',
          rows.map((row) => row.id),
        )
        .orderBy('attempt')
        .execute();
      return rows.map(
        (row): WebhookDelivery => ({
          id: row.id,
          endpointId: row.endpoint_id,
          eventId: row.event_id,
          type: row.type,
          sequence: row.seq === null ? null : String(row.seq),
          status: row.status as DeliveryStatus,
          nextAttemptAt: row.status === 'pending' && row.due_at !== null ? new Date(Number(row.due_at)).toISOString() : null,
          createdAt: row.created_at,
          requestId: row.request_id,
          attempts: attempts.filter((attempt) => attempt.delivery_id === row.id).map((attempt) => toAttempt(attempt, row.request_id)),
        }),
      );
    },
  };
}
