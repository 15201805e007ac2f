/** Short polling: `GET /events?after=` every `intervalMs`, at once again while pages come back full. */
import type { Connection } from '../connection.ts';
import type { CloudEvent } from '../types.ts';
import { readEventsPage } from './events-page.ts';
import { sleep, type SessionContext } from './resume.ts';

export interface PollOptions {
  /** @default 1000 */
  intervalMs?: number | undefined;
  /** Events per request. @default 100 */
  limit?: number | undefined;
}

export async function* pollEvents(connection: Connection, context: SessionContext, options: PollOptions = {}): AsyncGenerator<CloudEvent, void, undefined> {
  const limit = options.limit ?? 100;
  let cursor = context.after ?? '0';
  while (!context.signal.aborted) {
    const page = await readEventsPage(connection, { after: cursor, types: context.types, limit, signal: context.signal });
    context.connected();
    yield* page.items;
    cursor = page.nextCursor;
    // A full page says more is waiting: read on before sleeping.
    if (page.items.length < limit) await sleep(options.intervalMs ?? 1000, context.signal);
  }
}
