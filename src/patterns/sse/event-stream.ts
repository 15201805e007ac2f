/**
 * One open Server-Sent Events response (WHATWG HTML §9.2): each event is an `id:` line (its
 * sequence) and one `data:` line (the CloudEvent as JSON), comment heartbeats, and a bound on what
 * may wait unsent for a client that stopped reading.
 */
import type { ServerResponse } from 'node:http';
import type { CloudEvent } from '../../core/core.ts';

export class EventStream {
  readonly #response: ServerResponse;
  readonly #maxBufferedBytes: number;
  #started = false;
  #open = true;
  #closed = false;
  readonly #onClose: (() => void)[] = [];

  constructor(response: ServerResponse, maxBufferedBytes: number) {
    this.#response = response;
    this.#maxBufferedBytes = maxBufferedBytes;
    // A write racing the client's departure fails here; the close below is all that matters then.
    response.on('error', () => {});
    // However it ends (we end it, the client leaves, the socket breaks), `close` follows.
    response.once('close', () => {
      this.#open = false;
      this.#closed = true;
      for (const listener of this.#onClose.splice(0)) listener();
    });
  }

  get started(): boolean {
    return this.#started;
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
    this.#write(`retry: ${retryMs}\n\n`);
  }

  /** JSON.stringify escapes every line break inside strings, so the data is one line and no text can start a field of its own. */
  send(event: CloudEvent): void {
    this.#write(`id: ${event.sequence}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  heartbeat(): void {
    this.#write(': heartbeat\n\n');
  }

  /** Ends a started stream (shutting down, key revoked) and its connection, so nothing holds the server's close. */
  end(): void {
    if (!this.#open) return;
    this.#open = false;
    const socket = this.#response.socket;
    this.#response.end(() => socket?.destroy());
  }

  #write(frame: string): void {
    if (!this.#open) return;
    this.#response.write(frame);
    // A client that stopped reading is dropped rather than have its events pile up in memory;
    // nothing more is written, and it resumes from the last whole event it got (Last-Event-ID).
    if (this.#response.writableLength > this.#maxBufferedBytes) {
      this.#open = false;
      this.#response.destroy();
    }
  }
}
