/** The push side of the OpenAPI document: long polling on the GETs that may be held, and GET /events/stream (SSE). */
import type { TObject, TSchema } from '@sinclair/typebox';
import { type Catalogue, type JsonObject, plainSchema } from '../../core/core.ts';
import { sortCodes } from '../http/operation-errors.ts';
import { longPolled } from './long-poll.ts';
import { problemResponses } from './openapi-problems.ts';

/** A problem whose `head` says where to follow from after reading the current state again. */
export const resyncProblemSchema: JsonObject = {
  allOf: [
    { $ref: '#/components/schemas/Problem' },
    {
      type: 'object',
      required: ['head'],
      properties: {
        head: { type: 'string', description: 'The cursor to follow from once the current state has been read again.' },
        snapshot: { type: 'string', description: 'Where to read the current state, e.g. `/orders`.' },
      },
    },
  ],
};

const waitDescription = 'Seconds to hold the request until something new exists, 0 up to the node maximum (BISTRO_MAX_WAIT_SECONDS, 60 by default).';

/** `wait` and `Prefer` for the GETs long polling may hold; none for the others. */
export function longPollParameters(operationName: string): JsonObject[] {
  const kind = longPolled[operationName];
  if (!kind) return [];
  const until =
    kind === 'events'
      ? 'an event after `after` is visible to you; when the wait ends first, the page is empty and `nextCursor` is `after`'
      : 'the order no longer matches `If-None-Match` (then 200), else 304 when the wait ends';
  return [
    { name: 'wait', in: 'query', required: false, schema: { type: 'integer', minimum: 0 }, description: `${waitDescription} Held until ${until}. A bad value is a 400 at \`/wait\`; it wins over \`Prefer\`.` },
    {
      name: 'Prefer',
      in: 'header',
      required: false,
      schema: { type: 'string', examples: ['wait=30'] },
      description: `RFC 7240 \`wait=N\`, as \`?wait=N\`. A value above the maximum is shortened to it; one that is not a whole number is ignored (RFC 7240 §2).`,
    },
  ];
}

/** What long polling adds to the answers of a GET it may hold. */
export function longPollResponses(operationName: string): { headers: JsonObject; responses: JsonObject } {
  const kind = longPolled[operationName];
  if (!kind) return { headers: {}, responses: {} };
  const headers = { 'Preference-Applied': { schema: { type: 'string' }, description: 'The `wait=N` used, when asked with `Prefer: wait`.' } };
  // A stale cursor's 410 is among the operation's own problems (it declares resync_required).
  const responses: JsonObject =
    kind === 'events' ? {} : { '304': { description: 'Not modified: your If-None-Match still matches (held with `wait`: nothing changed before the wait ended).', headers } };
  return { headers, responses };
}

/** GET /events/stream: not a catalogue operation but a way to read events.list's log, so its parameters come from there. */
export function eventStreamPath(catalogue: Catalogue): JsonObject {
  const input = catalogue.get('events.list')?.operation.input as TObject | undefined;
  const field = (name: string): JsonObject => plainSchema((input?.properties[name] ?? { type: 'string' }) as TSchema);
  return {
    get: {
      operationId: 'events.stream',
      summary: 'Follow events as Server-Sent Events',
      description:
        'Each event is `id: <sequence>` and `data: <CloudEvent JSON>` (no `event:` field), after a `retry:` line; a `: heartbeat` comment keeps proxies open. ' +
        'A reconnecting EventSource sends `Last-Event-ID`, which wins over `after`. A client that stops reading is dropped and resumes the same way. Visibility as GET /events.',
      security: [{}, { bearer: [] }],
      parameters: [
        { name: 'after', in: 'query', required: false, schema: field('after') },
        { name: 'types', in: 'query', required: false, schema: field('types'), explode: false },
        { name: 'token', in: 'query', required: false, schema: { type: 'string' }, description: 'The bearer token, for clients that cannot set headers (EventSource). Never logged.' },
        { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' }, description: 'The last sequence received: the stream resumes after it.' },
      ],
      responses: {
        '200': { description: 'The stream, until the client leaves or the node shuts down.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        ...problemResponses(sortCodes(['validation_failed', 'unauthorized', 'resync_required', 'rate_limited', 'internal_error', 'unavailable', 'overloaded'])),
      },
    },
  };
}
