/**
 * One open Server-Sent Events response (WHATWG HTML §9.2): each event is an `id:` line (its
 * sequence) and one `data:` line (the CloudEvent as JSON), comment heartbeats, and a measure of
 * what waits unsent for the client, so the feed pump can stop before it grows past the bound.
 */
import type { ServerResponse } from 'node:http';
import { type CloudEvent, eventJson, perEvent } from '../../core/core.ts';

/** The event's frame, made once for every stream it goes to. */
const frame = perEvent((event) => Buffer.from(`id: ${event.sequence}\ndata: ${eventJson(event)}\n\n`));

export class EventStream {
  readonly #response: ServerResponse;
  readonly #maxBufferedBytes: number;
  #started = false;
  #open = true;
  #closed = false;
  readonly #onClose: (() => void)[] = [];
  #drainWaiter: ((drained: boolean) => void) | undefined;

  constructor(response: ServerResponse, maxBufferedBytes: number) {
    this.#response = response;
    this.#maxBufferedBytes = maxBufferedBytes;
    // A write racing the client's departure fails here; the close below is all that matters then.
    response.on('error', () => {});
    // However it ends (we end it, the client leaves, the socket breaks), `close` follows.
    response.once('close', () => {
      this.#open = false;
      this.#closed = true;
      this.#drainWaiter?.(false);
      for (const listener of this.#onClose.splice(0)) listener();
    });
  }

  get started(): boolean {
    return this.#started;
  }

  get open(): boolean {
    return this.#open;
  }

  /** Calls `listener` once when the response has closed (at once if it already has). */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#onClose.push(listener);
  }

  /** Sends the headers and how long an EventSource waits before it reconnects. */
  start(retryMs: number): void {
    this.#started = true;
    this.#response.writeHead(200, {
      'content-type': 'text/event-stream',
      // no-transform: a proxy that compresses or rewrites would hold events back (RFC 9111 §5.2.2.6).
      'cache-control': 'no-cache, no-transform',
      // nginx buffers responses unless told not to.
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    this.#response.write(`retry: ${retryMs}\n\n`);
  }

  /** Closed, or holding more than the bound unsent: send nothing more until `drained`. */
  get behind(): boolean {
    return !this.#open || this.#response.writableLength > this.#maxBufferedBytes;
  }

  /** JSON.stringify escapes every line break inside strings, so the data is one line and no text can start a field of its own. */
  send(event: CloudEvent): void {
    if (this.#open) this.#response.write(frame(event));
  }

  /** A comment line, so proxies see traffic; skipped while the client is behind. */
  heartbeat(): void {
    if (this.#open && this.#response.writableLength <= this.#maxBufferedBytes) this.#response.write(': heartbeat\n\n');
  }

  /**
   * True once the client has taken everything written so far; false when the stream closed or the
   * client did not within `timeoutMs`. Writes are flushed in order, so the callback of one short
   * comment written last says everything before it has gone.
   */
  drained(timeoutMs: number): Promise<boolean> {
    if (!this.#open) return Promise.resolve(false);
    return new Promise((resolve) => {
      const settle = (drained: boolean) => {
        if (this.#drainWaiter !== settle) return;
        this.#drainWaiter = undefined;
        clearTimeout(timer);
        resolve(drained && this.#open);
      };
      this.#drainWaiter = settle;
      const timer = setTimeout(() => settle(false), timeoutMs);
      this.#response.write(':\n\n', (error) => settle(!error));
    });
  }

  /** Ends a started stream (shutting down, key revoked) and its connection, so nothing holds the server's close. */
  end(): void {
    if (!this.#open) return;
    this.#open = false;
    const socket = this.#response.socket;
    this.#response.end(() => socket?.destroy());
  }

  /** Drops a client that stopped reading: what it was not sent is freed now, not when it reads. It resumes from its last whole event. */
  cut(): void {
    this.#open = false;
    this.#response.destroy();
  }
}
