/**
 * Turns what a socket pushes into what an iterator pulls, with a bound: a consumer that stops
 * reading gets what is queued, then a retryable failure, so the resume loop reconnects from the
 * last event handed out instead of the queue growing without end (the server keeps the log).
 */
import { BistroClientError } from '../errors.ts';

export interface EventQueue<T> {
  push(item: T): void;
  /** Ends the stream with `error` once what is queued has been read. */
  fail(error: unknown): void;
  /** Ends the stream cleanly once what is queued has been read. */
  end(): void;
  drain(): AsyncGenerator<T, void, undefined>;
}

/** @param onOverflow told once when `maxQueued` is passed: stop the source (close its socket). */
export function createEventQueue<T>(maxQueued: number, onOverflow: () => void): EventQueue<T> {
  const items: T[] = [];
  let finished: { error?: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const finish = (how: { error?: unknown }) => {
    if (finished) return;
    finished = how;
    notify();
  };
  return {
    push(item) {
      if (finished) return;
      if (items.length >= maxQueued) {
        finish({ error: new BistroClientError('network_error', `more than ${maxQueued} events were waiting to be read: reconnecting from the last one read`, { status: 0 }) });
        onOverflow();
        return;
      }
      items.push(item);
      notify();
    },
    fail: (error) => finish({ error }),
    end: () => finish({}),
    async *drain() {
      for (;;) {
        if (items.length > 0) {
          yield items.shift() as T;
          continue;
        }
        if (finished) {
          if ('error' in finished) throw finished.error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
