/**
 * Long polling: `GET /events?after=` with `Prefer: wait=N` (RFC 7240), which the server holds
 * until an event after the cursor exists or the wait ends with an empty page; then again at once.
 */
import type { Connection } from '../connection.ts';
import type { CloudEvent } from '../types.ts';
import { readEventsPage } from './events-page.ts';
import type { SessionContext } from './resume.ts';

/** The server's ceiling (DESIGN.md §6); a longer wait would only be cut to it. */
export const maxWaitSeconds = 60;

export interface LongPollOptions {
  /** @default 30 */
  waitSeconds?: number | undefined;
  /** @default 100 */
  limit?: number | undefined;
}

export async function* longPollEvents(connection: Connection, context: SessionContext, options: LongPollOptions = {}): AsyncGenerator<CloudEvent, void, undefined> {
  const waitSeconds = Math.max(1, Math.min(maxWaitSeconds, Math.floor(options.waitSeconds ?? 30)));
  let cursor = context.after ?? '0';
  while (!context.signal.aborted) {
    const page = await readEventsPage(connection, { after: cursor, types: context.types, limit: options.limit ?? 100, waitSeconds, signal: context.signal });
    context.connected();
    yield* page.items;
    cursor = page.nextCursor;
  }
}
