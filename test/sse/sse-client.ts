/** Test clients for GET /events/stream: the real `eventsource` package (with a connection the test can drop) and a raw reader. */
import { EventSource, type EventSourceFetchInit } from 'eventsource';
import { waitFor } from '../helpers/node.ts';

export interface Received {
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudEvents read as plain JSON
  event: any;
}

export interface Client {
  source: EventSource;
  received: Received[];
  /** The headers each connection was opened with, in order (a reconnection sends Last-Event-ID). */
  connections: Record<string, string>[];
  /** Ends the current connection as a network drop would: the EventSource reconnects by itself. */
  drop(): void;
  /** Waits until `count` events have arrived. */
  next(count: number, timeoutMs?: number): Promise<Received[]>;
}

/** An EventSource whose requests go through fetch with `headers` added (a bearer token, say). */
export function connect(url: string, headers: Record<string, string> = {}): Client {
  const connections: Record<string, string>[] = [];
  let dropCurrent = () => {};
  const source = new EventSource(url, {
    fetch: async (input: string | URL, init: EventSourceFetchInit) => {
      const sent = { ...(init.headers as Record<string, string>), ...headers };
      connections.push(sent);
      const response = await fetch(input, { ...init, headers: sent });
      if (!response.body) return response;
      const reader = response.body.getReader();
      dropCurrent = () => void reader.cancel().catch(() => {});
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: () => reader.cancel(),
      });
      return { body, url: response.url, status: response.status, redirected: response.redirected, headers: response.headers };
    },
  });
  const received: Received[] = [];
  source.onmessage = (message) => received.push({ id: message.lastEventId, event: JSON.parse(message.data) });
  return {
    source,
    received,
    connections,
    drop: () => dropCurrent(),
    next: async (count, timeoutMs = 5000) => {
      await waitFor(() => received.length >= count, timeoutMs);
      return received.slice(0, count);
    },
  };
}

/** Reads a raw stream until `done(text)` holds; returns the text read and the reader (to keep or cancel). */
export async function readUntil(response: Response, done: (text: string) => boolean, timeoutMs = 5000) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!done(text)) {
    if (Date.now() > deadline) throw new Error(`the stream did not show what was expected in ${timeoutMs} ms:\n${text}`);
    const { done: ended, value } = await reader.read();
    if (ended) return { text, reader, ended: true };
    text += decoder.decode(value, { stream: true });
  }
  return { text, reader, ended: false };
}
