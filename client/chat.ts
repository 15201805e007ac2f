/**
 * `openChat`: the conversation on one order over `/ws` JSON-RPC. Messages arrive as the
 * `order.message.posted` events of a subscription (both sides, the caller's own too), so a
 * dropped socket resumes from the last one read like `follow`; `send` goes over the same socket
 * with a client message id, generated unless given, so a send retried after a drop posts once.
 */
import { BistroClientError } from './errors.ts';
import type { Connection } from './connection.ts';
import type { Message } from './generated/catalogue.ts';
import type { FollowOptions } from './types.ts';
import { createEventQueue } from './follow/event-queue.ts';
import { asClientError, backoffDelayMs, resume, sleep, type SessionContext } from './follow/resume.ts';
import type { RpcSocket } from './follow/rpc-socket.ts';
import { maxQueuedEvents, wsEvents } from './follow/ws.ts';

export interface ChatOptions extends Pick<FollowOptions, 'retry' | 'onReconnect' | 'signal'> {
  /** The cursor to read messages after: `"0"` replays the conversation from the log. @default now */
  after?: string;
}

export interface SendOptions {
  /** Your id for this message (1–64 of `A-Za-z0-9._:-`): sending it again posts nothing new. @default a random UUID */
  clientMessageId?: string;
  signal?: AbortSignal;
}

export interface Chat extends AsyncIterable<Message> {
  /** Posts once, however often a dropped socket makes it try; resolves with the message as posted. */
  send(text: string, options?: SendOptions): Promise<Message>;
  /** Every message posted on the order from the chat's cursor on, both sides, in order; one reader (the chat itself iterates the same). */
  readonly messages: AsyncIterable<Message>;
  /** Closes the socket; the messages iterator ends and sends still waiting reject. */
  close(): void;
}

const closedError = () => new BistroClientError('network_error', 'the chat is closed', { status: 0 });

/**
 * Resolves once the chat is subscribed, so a message posted after it resolves is heard; rejects
 * as the first connection fails for good (not_found for an order the caller may not read,
 * unauthorized, resync_required for a cursor the log no longer keeps).
 */
export function openChat(connection: Connection, orderId: string, options: ChatOptions = {}): Promise<Chat> {
  const subject = `orders/${orderId}`;
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const signal = controller.signal;
  /** Why the chat stopped for good (resync_required, unauthorized, not_found, retries spent). */
  let failure: BistroClientError | undefined;

  // The socket of the session now running; sends wait for one that is not the one that failed them.
  let current: RpcSocket | undefined;
  let changed!: () => void;
  let socketChange = new Promise<void>((resolve) => (changed = resolve));
  let becameReady!: () => void;
  let neverReady!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    becameReady = resolve;
    neverReady = reject;
  });
  const setSocket = (socket: RpcSocket | undefined) => {
    if (socket) becameReady();
    current = socket;
    const wake = changed;
    socketChange = new Promise<void>((resolve) => (changed = resolve));
    wake();
  };
  signal.addEventListener(
    'abort',
    () => {
      setSocket(undefined);
      neverReady(failure ?? closedError());
    },
    { once: true },
  );
  if (options.signal?.aborted) stop();

  const session = (context: SessionContext) =>
    wsEvents(connection, context, {
      // Who may not read the order learns it here (not_found), not at the first send.
      beforeSubscribe: async (socket) => void (await socket.call('orders.get', { id: orderId })),
      subscribed: setSocket,
      closed: (socket) => {
        if (current === socket) setSocket(undefined);
      },
    });

  const received = createEventQueue<Message>(maxQueuedEvents, stop);
  // Runs whether or not anyone reads, so sends have a socket; messages wait in `received`.
  void (async () => {
    try {
      for await (const event of resume(session, { after: options.after, types: ['order.message.posted'], signal, retry: options.retry, onReconnect: options.onReconnect })) {
        if (event.subject === subject) received.push(event.data as Message);
      }
      received.end();
    } catch (error) {
      failure = asClientError(error);
      received.fail(failure);
      stop();
    }
  })();

  async function socketOtherThan(failed: RpcSocket | undefined, sendSignal: AbortSignal | undefined): Promise<RpcSocket> {
    for (;;) {
      if (failure) throw failure;
      if (signal.aborted || sendSignal?.aborted) throw closedError();
      if (current !== undefined && current !== failed) return current;
      const waiting = socketChange;
      await Promise.race([waiting, new Promise<void>((resolve) => sendSignal?.addEventListener('abort', () => resolve(), { once: true }))]);
    }
  }

  async function send(text: string, sendOptions: SendOptions = {}): Promise<Message> {
    const clientMessageId = sendOptions.clientMessageId ?? globalThis.crypto.randomUUID();
    let failed: RpcSocket | undefined;
    for (let attempt = 1; ; attempt++) {
      const socket = await socketOtherThan(failed, sendOptions.signal);
      try {
        return (await socket.call('messages.send', { orderId, text, clientMessageId })) as Message;
      } catch (thrown) {
        const error = asClientError(thrown);
        if (!error.retryable) throw error;
        // A dropped socket: the chat reconnects, and the same id goes again on the next one.
        if (error.code === 'network_error') failed = socket;
        else await sleep(backoffDelayMs(attempt, options.retry, error.retryAfterSeconds), signal);
      }
    }
  }

  const chat: Chat = {
    send,
    messages: { [Symbol.asyncIterator]: () => received.drain() },
    [Symbol.asyncIterator]: () => received.drain(),
    close: stop,
  };
  return ready.then(() => chat);
}
