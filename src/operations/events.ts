/** Reading the event log: the same cursor every pattern uses, filtered by the one visibility rule. */
import { Type } from '@sinclair/typebox';
import { allRoles, defineOperation } from '../core/operation.ts';
import { formatCursor, nowCursor, parseCursor } from '../core/cursor.ts';
import { readEvents } from '../core/feed.ts';
import { CloudEvent, EventType, Strict } from './schemas.ts';

export const listEvents = defineOperation({
  name: 'events.list',
  summary: 'Read events after a cursor (guests see the menu and their own orders, staff everything)',
  kind: 'query',
  input: Strict({
    after: Type.Optional(
      Type.String({ maxLength: 20, description: 'Cursor: the sequence of the last event seen; "0" for the start; "now" for an empty page whose nextCursor is the log\'s current end, to follow from now.' }),
    ),
    types: Type.Optional(Type.Array(EventType, { maxItems: 20 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  }),
  output: Strict({ items: Type.Array(CloudEvent), nextCursor: Type.String() }, { title: 'EventPage' }),
  roles: allRoles,
  errors: ['resync_required'],
  rest: { method: 'GET', path: '/events' },
  graphql: { field: 'events' },
  async handler({ store, principal }, { after, types, limit }) {
    // One cheap request to start following from now, rather than reading the log to its end.
    if (after === nowCursor) return { items: [], nextCursor: formatCursor(await store.events.lastSequence()) };
    return readEvents(store, principal, { after: parseCursor(after), types, limit });
  },
});
