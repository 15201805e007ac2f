/**
 * Change detection, one answer for every pattern: a resource's change tag is the sequence of the
 * last event that changed it (REST's ETag, `InvokeResult.tag`). Long polling on an order, the
 * GraphQL `order(id)` subscription and the WebSocket ask "did it change since X?" of the events
 * the feed hands them, with no read of the store.
 */
import { changesSubject, type CloudEvent } from '../domain/events.ts';

/** True when `event` changed the resource `subject` after the state tagged `tag`. */
export function changesSince(event: CloudEvent, subject: string, tag: number): boolean {
  return event.subject === subject && changesSubject(event.type) && Number(event.sequence) > tag;
}
