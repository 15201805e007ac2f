/**
 * One `/ws` connection: JSON-RPC calls in, answers and notifications out, all through one send
 * that cuts a slow consumer off instead of buffering without bound.
 */
import type { RawData, WebSocket } from 'ws';
import { BistroError, type Core, perEvent, type Principal } from '../../core/core.ts';
import type { RpcContext, RpcEndpoint, RpcReply } from '../http/json-rpc.ts';
import { closeCodes, closeReason } from './close-codes.ts';
import { EventSubscriptions } from './event-subscriptions.ts';
import { createSocketMethods } from './socket-methods.ts';

/** Calls one socket may have running at once; past it the socket is not read until one ends (TCP pushes back on the client). */
export const maxCallsInFlight = 32;

/** How often a backlog waiting for the client to read looks again: `ws` has no drain event of its own. */
const drainPollMs = 10;

/** A posted message as the notification every socket that may read it gets, made once per message. */
const messageNotification = perEvent((event) => Buffer.from(`{"jsonrpc":"2.0","method":"message","params":${JSON.stringify(event.data)}}`));

export interface SessionOptions {
  core: Pick<Core, 'catalogue' | 'feed' | 'rateLimit'>;
  rpc: RpcEndpoint;
  /** The client's address: anonymous callers' calls are counted against it. */
  address: string | undefined;
  /** Unsent bytes past which the socket is cut (code 4008). */
  maxBufferedBytes: number;
  /** The upgrade's request id: each call over the socket is this id and the call's number. */
  requestId: string;
  logError(error: unknown, where: string): void;
}

const textOf = (data: RawData): string => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

export class SocketSession {
  readonly socket: WebSocket;
  readonly principal: Principal;
  /** Resolves once the socket has closed, whoever closed it. */
  readonly closed: Promise<void>;
  readonly #options: SessionOptions;
  readonly #subscriptions: EventSubscriptions;
  readonly #context: RpcContext;
  readonly #stopMessages: () => void;
  /** The last message notification sent, or the head when the socket opened. */
  #messagesAt: number;
  #inFlight = 0;
  #ended = false;
  #calls = 0;

  constructor(socket: WebSocket, principal: Principal, options: SessionOptions) {
    this.socket = socket;
    this.principal = principal;
    this.#options = options;
    const { core } = options;
    this.#subscriptions = new EventSubscriptions({
      core,
      principal,
      send: (text) => this.#send(text),
      writable: () => this.#writable(),
      onClosing: () => this.close(closeCodes.goingAway),
    });
    this.#context = {
      principal,
      via: 'websocket',
      // The upgrade's id with a counter: unique per call, bounded, and no client-chosen JSON-RPC id in log lines.
      requestId: () => `${options.requestId}.${++this.#calls}`,
      methods: createSocketMethods(core, this.#subscriptions),
      logError: (error, method) => options.logError(error, `internal error in a JSON-RPC call to ${method} over /ws`),
    };
    // Messages are pushed without a subscription, so staff can start a conversation and the guest
    // hears it at once. Live only: the head is read and the listener added with no await between.
    this.#messagesAt = core.feed.head();
    this.#stopMessages =
      principal.role === 'anonymous'
        ? () => undefined
        : core.feed.subscribe({ principal, types: ['order.message.posted'] }, (event) => {
            if (this.#send(messageNotification(event))) this.#messagesAt = Number(event.sequence);
          });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => this.#end());
    // ws closes the socket itself on a protocol error (1002, 1007, 1009); the event only needs a listener.
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => void this.#receive(data, isBinary));
  }

  /** `events.subscribe` subscriptions open on this socket (the metrics). */
  subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** Where the client's event stream stands: the lowest subscription, else the last message sent. */
  lastSequence(): number {
    return this.#subscriptions.lowest() ?? this.#messagesAt;
  }

  /** Closes with `code` and the last sequence as reason; nothing is sent after. Safe to call twice. */
  close(code: number): void {
    if (this.#ended) return;
    const reason = closeReason(this.lastSequence());
    this.#end();
    this.socket.close(code, reason);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopMessages();
    this.#subscriptions.stop();
  }

  /**
   * The one way out. A socket whose unsent bytes already pass the bound is cut instead: this
   * message and everything after it are not sent, so memory stays at the bound plus one message,
   * and the close reason names the last event that was handed over.
   */
  #send(text: string | Buffer): boolean {
    if (this.#ended || this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > this.#options.maxBufferedBytes) {
      this.close(closeCodes.slowConsumer);
      return false;
    }
    // A Buffer made once for many sockets still goes out as a text frame: it is JSON.
    this.socket.send(text, { binary: false });
    return true;
  }

  /** Half the bound leaves room for answers and live events sent meanwhile, which are cut at the full bound. */
  async #writable(): Promise<void> {
    while (!this.#ended && this.socket.bufferedAmount > this.#options.maxBufferedBytes / 2) {
      await new Promise((resolve) => setTimeout(resolve, drainPollMs));
    }
  }

  /** The reply to one text frame. With rate limits on its calls (each of a batch) are counted first, and all refused once the budget is spent. */
  async #answer(text: string): Promise<RpcReply | undefined> {
    const { core, rpc, address } = this.#options;
    if (core.rateLimit.policy === undefined) return rpc.handleText(text, this.#context);
    let message: unknown;
    try {
      message = rpc.parse(text);
    } catch {
      // Not JSON: answered -32700 without running anything.
      return rpc.handleText(text, this.#context);
    }
    try {
      await core.rateLimit.take(this.principal, address, Array.isArray(message) ? Math.max(1, message.length) : 1);
    } catch (error) {
      if (error instanceof BistroError && error.code === 'rate_limited') return rpc.refuse(message, error);
      this.#options.logError(error, 'counting calls over /ws');
    }
    return rpc.handleMessage(message, this.#context);
  }

  async #receive(data: RawData, isBinary: boolean): Promise<void> {
    const { rpc } = this.#options;
    if (isBinary) {
      this.#send(rpc.stringify(rpc.invalidRequest('JSON-RPC travels in text frames; binary frames are not read.')));
      return;
    }
    if (++this.#inFlight >= maxCallsInFlight) this.socket.pause();
    try {
      const reply = await this.#answer(textOf(data));
      if (reply !== undefined) this.#send(rpc.stringify(reply));
    } finally {
      if (--this.#inFlight < maxCallsInFlight && this.socket.isPaused && !this.#ended) this.socket.resume();
    }
  }
}
