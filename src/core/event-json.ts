/**
 * A CloudEvent as JSON, made once however many clients it is pushed to: the feed hands every
 * subscriber the same event object, so 10,000 sockets cost one JSON.stringify, not 10,000.
 */
import type { CloudEvent } from '../domain/events.ts';

/** Any text a pattern derives from an event (a framed notification), made once per event and kept while the event lives. */
export function perEvent<T>(make: (event: CloudEvent) => T): (event: CloudEvent) => T {
  const kept = new WeakMap<CloudEvent, T>();
  return (event) => {
    let value = kept.get(event);
    if (value === undefined) {
      value = make(event);
      kept.set(event, value);
    }
    return value;
  };
}

export const eventJson = perEvent((event) => JSON.stringify(event));
