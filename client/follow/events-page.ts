/**
 * `GET /events?after=&types=&limit=`: the page short and long polling read, and how the HTTP
 * patterns find "now" (`after=now`: the server reads from the start of the log when `after` is
 * absent, while `/ws` and GraphQL subscriptions start at its end; the client makes all five start at the end).
 */
import { fromProblem } from '../errors.ts';
import type { Connection } from '../connection.ts';
import type { CloudEvent } from '../types.ts';
import { asClientError } from './resume.ts';

export interface EventsPage {
  items: CloudEvent[];
  nextCursor: string;
}

export interface PageRequest {
  after: string;
  types: readonly string[] | undefined;
  limit: number;
  /** Long polling: held up to this long until something is new (`Prefer: wait=N`). */
  waitSeconds?: number | undefined;
  signal: AbortSignal;
}

export function eventsQuery(after: string | undefined, types: readonly string[] | undefined, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams(extra);
  if (after !== undefined) query.set('after', after);
  if (types && types.length > 0) query.set('types', types.join(','));
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** One page; throws BistroClientError (network_error when no answer came). */
export async function readEventsPage(connection: Connection, request: PageRequest): Promise<EventsPage> {
  const headers: Record<string, string> = { accept: 'application/json', ...connection.authHeaders() };
  if (request.waitSeconds !== undefined) headers['prefer'] = `wait=${request.waitSeconds}`;
  let response: Response;
  let body: unknown;
  try {
    response = await connection.fetch(`${connection.url}/events${eventsQuery(request.after, request.types, { limit: String(request.limit) })}`, { headers, signal: request.signal });
    const text = await response.text();
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch (error) {
    throw asClientError(error);
  }
  if (!response.ok) throw fromProblem(response.status, body, response.headers);
  return body as EventsPage;
}

/** Where the log ends now (`after=now`, one request): following after it is following from now. */
export async function currentEnd(connection: Connection, types: readonly string[] | undefined, signal: AbortSignal): Promise<string> {
  return (await readEventsPage(connection, { after: 'now', types, limit: 1, signal })).nextCursor;
}
