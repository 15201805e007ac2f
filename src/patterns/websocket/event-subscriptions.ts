/**
 * The `events.subscribe` subscriptions of one socket. Each follows the feed from its cursor (the
 * backlog at the client's pace, then live; no gap, no repeat), and remembers the last event it
 * actually handed to the socket: where the client resumes if the socket is cut.
 */
import { BistroError, type CloudEvent, type Core, eventJson, type EventType, formatCursor, type Following, perEvent, type Principal } from '../../core/core.ts';

/** The notification's bytes, made once per event for every socket it goes to. */
const notification = perEvent((event) => Buffer.from(`{"jsonrpc":"2.0","method":"event","params":${eventJson(event)}}`));

/** Enough for a screen's worth of views; each subscription is one feed listener. */
export const maxSubscriptionsPerSocket = 10;

interface Subscription {
  /** The last sequence sent to the socket, or the starting cursor. */
  sent: number;
  following?: Following;
  ended: boolean;
}

export interface SubscriptionAnswer {
  subscription: string;
  cursor: string;
}

export interface SubscriptionDeps {
  core: Pick<Core, 'feed'>;
  principal: Principal;
  /** Sends one notification; false when it was not sent (the socket is gone or was just cut). */
  send(text: string | Buffer): boolean;
  /** Resolves once the socket can take more without passing its bound (or has closed): the backlog waits for the reader instead of being cut. */
  writable(): Promise<void>;
  /** The feed ended a follow: the node is shutting down. */
  onClosing(): void;
}

export class EventSubscriptions {
  readonly #deps: SubscriptionDeps;
  readonly #open = new Map<string, Subscription>();
  #next = 1;
  #closed = false;

  constructor(deps: SubscriptionDeps) {
    this.#deps = deps;
  }

  /** Starts following after `after`; rejects as the feed does (`resync_required` for a cursor the log no longer reaches). */
  async subscribe(after: number, types: readonly EventType[] | undefined): Promise<SubscriptionAnswer> {
    if (this.#closed) throw new BistroError('unavailable', 'The socket is closing.');
    if (this.#open.size >= maxSubscriptionsPerSocket) {
      throw new BistroError('rate_limited', `A socket holds at most ${maxSubscriptionsPerSocket} subscriptions; unsubscribe one first.`);
    }
    const id = `sub_${this.#next++}`;
    const subscription: Subscription = { sent: after, ended: false };
    // Counted before the backlog is sent, so a cut during it reports this subscription's position.
    this.#open.set(id, subscription);
    const filter = { principal: this.#deps.principal, types };
    const notify = (event: CloudEvent) => {
      // A cut or an unsubscribe while the backlog is handed over only stops the sending.
      if (subscription.ended) return;
      if (this.#deps.send(notification(event))) subscription.sent = Number(event.sequence);
    };
    try {
      // The backlog waits for the socket to drain, so a long one never piles up unsent.
      subscription.following = await this.#deps.core.feed.follow(after, filter, { onEvent: notify, onEnd: () => this.#deps.onClosing(), ready: () => this.#deps.writable() });
    } catch (error) {
      this.#open.delete(id);
      throw error;
    }
    if (subscription.ended) subscription.following?.close();
    return { subscription: id, cursor: formatCursor(after) };
  }

  /** Stops one subscription; its answer's cursor is the last event it sent, which the client has before this answer. */
  unsubscribe(id: string): SubscriptionAnswer {
    const subscription = this.#open.get(id);
    if (!subscription) throw new BistroError('not_found', `This socket has no subscription "${id}".`);
    this.#end(id, subscription);
    return { subscription: id, cursor: formatCursor(subscription.sent) };
  }

  get size(): number {
    return this.#open.size;
  }

  /** The lowest position of the open subscriptions: resuming every one of them from it leaves no gap. */
  lowest(): number | undefined {
    let lowest: number | undefined;
    for (const { sent } of this.#open.values()) if (lowest === undefined || sent < lowest) lowest = sent;
    return lowest;
  }

  /** The socket is closing: nothing more is sent. Positions stay readable for the close reason. */
  stop(): void {
    this.#closed = true;
    for (const subscription of this.#open.values()) {
      subscription.ended = true;
      subscription.following?.close();
    }
  }

  #end(id: string, subscription: Subscription): void {
    subscription.ended = true;
    subscription.following?.close();
    this.#open.delete(id);
  }
}
