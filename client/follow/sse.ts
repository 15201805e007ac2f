/**
 * SSE: `GET /events/stream` read with fetch and eventsource-parser rather than the EventSource
 * global, so the token travels as `Authorization: Bearer` in Node.js and browsers alike and the
 * resume loop, not EventSource's own retry, decides when to reconnect. Each event's `data:` is the
 * CloudEvent (its `id:` the sequence); a reconnection sends `Last-Event-ID`.
 */
import { createParser } from 'eventsource-parser';
import { BistroClientError, fromProblem } from '../errors.ts';
import type { Connection } from '../connection.ts';
import type { CloudEvent } from '../types.ts';
import { eventsQuery } from './events-page.ts';
import { asClientError, type SessionContext } from './resume.ts';

/**
 * A stream that says nothing for this long is taken for dead (a half-open connection never ends
 * by itself): three of the server's 15 s heartbeats.
 */
const silenceLimitMs = 45_000;

async function openStream(connection: Connection, context: SessionContext, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...connection.authHeaders() };
  // The server lets Last-Event-ID win over `after`; a first connection has no event to name.
  if (context.resuming && context.after !== undefined) headers['last-event-id'] = context.after;
  const query = eventsQuery(context.resuming ? undefined : context.after, context.types);
  let response: Response;
  try {
    response = await connection.fetch(`${connection.url}/events/stream${query}`, { headers, signal });
  } catch (error) {
    throw asClientError(error);
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw fromProblem(response.status, body, response.headers);
  }
  if (!response.body) throw new BistroClientError('unexpected_answer', 'the event stream answered without a body', { status: response.status });
  return response.body;
}

export async function* sseEvents(connection: Connection, context: SessionContext): AsyncGenerator<CloudEvent, void, undefined> {
  // Its own controller, so a silent stream can be cut without stopping the caller.
  const controller = new AbortController();
  const stop = () => controller.abort();
  context.signal.addEventListener('abort', stop, { once: true });
  let silence: ReturnType<typeof setTimeout> | undefined;
  const heard = () => {
    clearTimeout(silence);
    silence = setTimeout(stop, silenceLimitMs);
  };
  const reader = (await openStream(connection, context, controller.signal)).getReader();
  try {
    context.connected();
    heard();
    const parsed: CloudEvent[] = [];
    const parser = createParser({ onEvent: (message) => parsed.push(JSON.parse(message.data) as CloudEvent), onComment: heard });
    const decoder = new TextDecoder();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (context.signal.aborted) return;
        throw asClientError(error);
      }
      if (chunk.done) return;
      heard();
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      yield* parsed.splice(0);
    }
  } finally {
    clearTimeout(silence);
    context.signal.removeEventListener('abort', stop);
    controller.abort();
    reader.cancel().catch(() => undefined);
  }
}
