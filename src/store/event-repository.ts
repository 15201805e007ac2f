/**
 * The event log, over Kysely for both databases. Appends take the backend's lock first, so sequences
 * follow commit order; pruning moves a floor (kept in meta) that stands in for the pruned history.
 */
import { changesSubject, eventTypes, type EventType, type LoggedEvent } from '../domain/events.ts';
import type { EventToAppend, StoreSession } from '../core/store.ts';
import type { Database, Db } from './schema.ts';

export interface EventLogOptions {
  /** Called first in every append: serialises appenders so sequences follow commit order. */
  lockEventLog(db: Db): Promise<void>;
}

const toEvent = (row: Database['events']): LoggedEvent => ({
  event: {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type as EventType,
    subject: row.subject,
    time: row.time,
    sequence: String(row.seq),
    datacontenttype: 'application/json',
    data: JSON.parse(row.data) as unknown,
  },
  audience: row.audience,
  requestId: row.request_id,
});

/** The event types that change their subject, as a list the query can use. */
const changeTypes = eventTypes.filter(changesSubject);
/** Where the log's floor is kept: events at or below it were pruned. */
const floorKey = 'events.floor';

export function eventRepository(db: Db, options: EventLogOptions): StoreSession['events'] {
  const readFloor = async () => Number((await db.selectFrom('meta').select('value').where('key', '=', floorKey).executeTakeFirst())?.value ?? 0);
  return {
    async append(events: readonly EventToAppend[]) {
      if (events.length === 0) return [];
      await options.lockEventLog(db);
      const last = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('last')).executeTakeFirst();
      let seq = Number(last?.last ?? 0);
      const rows = events.map((event) => ({
        seq: ++seq,
        id: event.id,
        type: event.type,
        source: event.source,
        subject: event.subject,
        time: event.time,
        audience: event.audience,
        data: JSON.stringify(event.data),
        request_id: event.requestId ?? null,
      }));
      await db.insertInto('events').values(rows).execute();
      return rows.map(toEvent);
    },
    async read({ after, types, audiences, limit }) {
      let query = db.selectFrom('events').selectAll().where('seq', '>', after);
      if (types !== undefined && types.length > 0) query = query.where('type', 'in', types);
      if (audiences !== null) query = query.where('audience', 'in', audiences);
      return (await query.orderBy('seq').limit(limit).execute()).map(toEvent);
    },
    async lastChangeOf(subject) {
      const last = await db
        .selectFrom('events')
        .select('seq')
        .where('subject', '=', subject)
        .where('type', 'in', changeTypes)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      // Its last change was pruned: the floor is a tag no other state of it can have had since.
      return last ? Number(last.seq) : await readFloor();
    },
    floor: readFloor,
    async prune(through) {
      await db.deleteFrom('events').where('seq', '<=', through).execute();
      await db
        .insertInto('meta')
        .values({ key: floorKey, value: String(through) })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: String(through) }))
        .execute();
    },
    async lastSequence() {
      const last = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('last')).executeTakeFirst();
      return Number(last?.last ?? 0);
    },
  };
}
