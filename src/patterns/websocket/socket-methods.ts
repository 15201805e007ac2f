/**
 * The methods only a socket has: `events.subscribe` and `events.unsubscribe`. They are not
 * catalogue operations (a subscription lives as long as its socket), but the dispatcher calls,
 * batches and answers them like one, and `rpc.discover` on the socket lists them.
 */
import { type Core, type EventType, invalid, type JsonObject, nowCursor, startCursor } from '../../core/core.ts';
import type { TransportMethod } from '../http/json-rpc.ts';
import type { EventSubscriptions } from './event-subscriptions.ts';

/** Fields other than `known` are refused, as the catalogue's strict schemas refuse them. */
function onlyKnown(params: Record<string, unknown>, known: readonly string[]): void {
  const stranger = Object.keys(params).find((name) => !known.includes(name));
  if (stranger !== undefined) throw invalid(`/${stranger}`, 'is not a known field');
}

const subscribeParams = ['after', 'types'] as const;

/**
 * `events.subscribe` takes the params of `events.list` but `limit`, so the same compiled schema
 * checks them: an unknown type or an overlong cursor is refused with the same pointer either way.
 */
function checkSubscribe(core: Pick<Core, 'catalogue' | 'feed'>, params: Record<string, unknown>): { after: number; types: EventType[] | undefined } {
  onlyKnown(params, subscribeParams);
  const list = core.catalogue.get('events.list');
  list?.validate({ ...params, limit: 1 });
  const { after, types } = params as { after?: string; types?: EventType[] };
  // No cursor is from now, as "now" is: the log's current end.
  return { after: startCursor(after ?? nowCursor, () => core.feed.head(), '/after'), types };
}

const cursorSchema = { type: 'string', pattern: '^\\d{1,15}$', description: 'A cursor: the sequence of the last event seen; "0" for the start.' };
const answerSchema = {
  name: 'Subscription',
  schema: {
    type: 'object',
    properties: { subscription: { type: 'string' }, cursor: cursorSchema },
    required: ['subscription', 'cursor'],
    additionalProperties: false,
  },
};

export function createSocketMethods(core: Pick<Core, 'catalogue' | 'feed'>, subscriptions: EventSubscriptions): ReadonlyMap<string, TransportMethod> {
  const typesSchema = (core.catalogue.get('events.list')?.operation.input as { properties?: Record<string, unknown> } | undefined)?.properties?.['types'] ?? { type: 'array' };
  const subscribe: TransportMethod = {
    async run(params) {
      const { after, types } = checkSubscribe(core, params);
      // No cursor (or "now") starts at the head this node has heard of, so nothing already committed is sent.
      return subscriptions.subscribe(after, types);
    },
    describe: {
      name: 'events.subscribe',
      summary: 'Follow the events you may see after a cursor (WebSocket only): each arrives as an "event" notification',
      description: 'Only on /ws. The backlog after the cursor comes first, then live events, with no gap and no repeat. A cursor the log no longer keeps answers resync_required with data.head.',
      paramStructure: 'by-name',
      params: [
        { name: 'after', required: false, schema: { type: 'string', pattern: '^(\\d{1,15}|now)$', description: 'A cursor: the sequence of the last event seen; "0" for the start; absent or "now": from now (no backlog).' } },
        { name: 'types', required: false, schema: JSON.parse(JSON.stringify(typesSchema)) as JsonObject },
      ],
      result: answerSchema,
      errors: [{ $ref: '#/components/errors/validation_failed' }, { $ref: '#/components/errors/resync_required' }, { $ref: '#/components/errors/rate_limited' }],
    },
  };
  const unsubscribe: TransportMethod = {
    async run(params) {
      onlyKnown(params, ['subscription']);
      const id = params['subscription'];
      if (id === undefined) throw invalid('/subscription', 'is required');
      if (typeof id !== 'string') throw invalid('/subscription', 'must be string');
      return subscriptions.unsubscribe(id);
    },
    describe: {
      name: 'events.unsubscribe',
      summary: 'Stop a subscription (WebSocket only); the answer\'s cursor is the last event it sent',
      description: 'Only on /ws. No event of the subscription follows this answer.',
      paramStructure: 'by-name',
      params: [{ name: 'subscription', required: true, schema: { type: 'string' } }],
      result: answerSchema,
      errors: [{ $ref: '#/components/errors/validation_failed' }, { $ref: '#/components/errors/not_found' }],
    },
  };
  return new Map([
    ['events.subscribe', subscribe],
    ['events.unsubscribe', unsubscribe],
  ]);
}
