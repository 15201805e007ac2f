/**
 * Pushed values (feed events) as the async iterator graphql-js subscribes to, with a bounded queue:
 * the socket is written one message at a time, so a client that stops reading makes the queue
 * grow, and past `maxQueued` the connection is cut instead of holding memory without bound.
 */

export interface PushIterator<T> {
  /** What `subscribe` resolvers return; `return()` (the client completed, the socket closed) runs `onReturn` once. */
  iterator: AsyncIterableIterator<T>;
  /** Queues a value; past the bound `onOverflow` is called and the value is dropped (the connection is about to close). */
  push: (value: T) => void;
  /** Ends the stream with an error once the queued values are read (it reaches the client as a GraphQL error). */
  fail: (error: unknown) => void;
  /** Ends the stream once the queued values are read. */
  end: () => void;
  /** Resolves once the queue is at most half full (or the stream is over): a backlog is pushed no faster than the client reads. */
  room: () => Promise<void> | undefined;
}

export interface PushIteratorOptions {
  maxQueued: number;
  onOverflow: () => void;
  /** Releases what feeds the iterator (a follow); called once, however the stream ends. */
  onReturn: () => void;
}

type Ending = { error: unknown } | 'done';

export function createPushIterator<T>({ maxQueued, onOverflow, onReturn }: PushIteratorOptions): PushIterator<T> {
  const queue: T[] = [];
  let ending: Ending | undefined;
  let finished = false;
  let waiting: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  let roomWaiters: (() => void)[] = [];
  const hasRoom = () => finished || queue.length <= maxQueued / 2;
  const wakeIfRoom = () => {
    if (roomWaiters.length === 0 || !hasRoom()) return;
    const woken = roomWaiters;
    roomWaiters = [];
    for (const wake of woken) wake();
  };

  const finish = () => {
    if (finished) return;
    finished = true;
    queue.length = 0;
    onReturn();
    wakeIfRoom();
  };

  /** Hands the waiting reader what it can have now: a value, or the end once the queue is empty. */
  const settle = () => {
    if (!waiting) return;
    const reader = waiting;
    if (queue.length > 0) {
      waiting = undefined;
      reader.resolve({ value: queue.shift() as T, done: false });
      wakeIfRoom();
    } else if (ending !== undefined || finished) {
      waiting = undefined;
      const error = ending !== undefined && ending !== 'done' ? ending.error : undefined;
      finish();
      if (error !== undefined) reader.reject(error);
      else reader.resolve({ value: undefined, done: true });
    }
  };

  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (waiting) return Promise.reject(new Error('next() called while a previous next() is pending'));
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      });
    },
    // Not a generator: a generator's return() waits for a pending await, and a quiet feed never answers.
    return() {
      finish();
      const reader = waiting;
      waiting = undefined;
      reader?.resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };

  return {
    iterator,
    push(value) {
      if (finished || ending !== undefined) return;
      if (queue.length >= maxQueued) {
        onOverflow();
        return;
      }
      queue.push(value);
      settle();
    },
    fail(error) {
      if (ending === undefined) ending = { error };
      settle();
    },
    end() {
      if (ending === undefined) ending = 'done';
      settle();
    },
    room: () => (hasRoom() ? undefined : new Promise<void>((resolve) => roomWaiters.push(resolve))),
  };
}
