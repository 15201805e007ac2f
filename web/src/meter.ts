/**
 * What a push pattern costs this page, counted where the bytes arrive: every request the page's
 * fetch sends, every body byte it reads, every WebSocket frame both ways. The guest page shows it
 * live beside the pattern switcher.
 */
import type { WebSocketConstructor, WebSocketLike } from 'bistro/client';

export interface Costs {
  /** HTTP requests sent plus WebSocket frames sent. */
  requests: number;
  /** HTTP answers plus WebSocket frames received. */
  answers: number;
  /** Body bytes of HTTP answers plus WebSocket frame bytes received (headers are not visible to a page). */
  bytesReceived: number;
  /** Answers that told the page something new about the order. */
  news: number;
  /** HTTP requests in flight and WebSocket connections open right now. */
  openConnections: number;
}

const zero: Costs = { requests: 0, answers: 0, bytesReceived: 0, news: 0, openConnections: 0 };
const encoder = new TextEncoder();

export class CostMeter {
  #costs: Costs = { ...zero };
  #listeners = new Set<(costs: Costs) => void>();

  get costs(): Costs {
    return this.#costs;
  }

  subscribe(listener: (costs: Costs) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  reset(): void {
    this.#update({ ...zero, openConnections: this.#costs.openConnections });
  }

  add(change: Partial<Costs>): void {
    const next = { ...this.#costs };
    for (const [key, value] of Object.entries(change) as [keyof Costs, number][]) next[key] += value;
    this.#update(next);
  }

  #update(costs: Costs): void {
    this.#costs = costs;
    for (const listener of this.#listeners) listener(costs);
  }
}

/** Statuses whose answers have no body by definition: `new Response(body)` refuses them one. */
const nullBodyStatuses = new Set([101, 204, 205, 304]);

/** A fetch that counts into `meter`; bodies are counted chunk by chunk as they stream in, so an open SSE stream counts live. */
export function meteredFetch(meter: CostMeter, inner: typeof fetch = globalThis.fetch.bind(globalThis)): typeof fetch {
  return async (input, init) => {
    meter.add({ requests: 1, openConnections: 1 });
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      meter.add({ openConnections: -1 });
      throw error;
    }
    meter.add({ answers: 1 });
    if (response.body === null || nullBodyStatuses.has(response.status)) {
      meter.add({ openConnections: -1 });
      return response;
    }
    let open = true;
    const done = () => {
      if (open) meter.add({ openConnections: -1 });
      open = false;
    };
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          meter.add({ bytesReceived: chunk.byteLength });
          controller.enqueue(chunk);
        },
        flush: done,
      }),
    );
    // A reader that cancels (a stream closed by `break`) never reaches flush.
    init?.signal?.addEventListener('abort', done, { once: true });
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

function frameBytes(data: unknown): number {
  if (typeof data === 'string') return encoder.encode(data).byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (data instanceof Blob) return data.size;
  return 0;
}

/** A WebSocket class whose instances count their frames into `meter`. */
export function meteredWebSocket(meter: CostMeter, Inner: typeof WebSocket = WebSocket): WebSocketConstructor {
  return class MeteredWebSocket extends Inner implements WebSocketLike {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      meter.add({ openConnections: 1 });
      this.addEventListener('message', (event: MessageEvent) => meter.add({ answers: 1, bytesReceived: frameBytes(event.data) }));
      this.addEventListener('close', () => meter.add({ openConnections: -1 }), { once: true });
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      meter.add({ requests: 1 });
      super.send(data);
    }
  };
}
