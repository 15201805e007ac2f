/**
 * The auto kitchen: a simulated cook and waiter that move each order one step along the
 * lifecycle once it has sat `paceMs` in its status. It learns of orders from the feed (no
 * polling) and moves them through the same operations as a person would, so every step is an
 * ordinary event in the log. One timer serves all orders: the one due first.
 */
import { BistroError } from '../domain/errors.ts';
import type { EventType } from '../domain/events.ts';
import { orderStatuses, type Order, type OrderStatus } from '../domain/order.ts';
import type { Principal } from '../domain/roles.ts';
import type { Core } from '../core/core.ts';
import { typedInvoke, type TypedInvoke } from '../core/invoke.ts';
import type { OutputOf } from '../core/operation.ts';
import type { BistroOperations } from '../operations/index.ts';

const next: Partial<Record<OrderStatus, OrderStatus>> = { placed: 'accepted', accepted: 'preparing', preparing: 'ready', ready: 'served' };
const cook: Principal = { id: 'auto-kitchen', role: 'kitchen', name: 'auto kitchen' };
/** Counted apart from the patterns' calls in the metrics. */
const kitchenCall = { via: 'kitchen' } as const;
/** Every event whose data is the order as it now is. */
const orderEventTypes: EventType[] = ['order.placed', 'order.updated', ...orderStatuses.filter((status) => status !== 'placed').map((status): EventType => `order.${status}`)];

interface Step {
  dueAt: number;
  version: number;
  to: OrderStatus;
}

export class AutoKitchen {
  readonly #core: Pick<Core, 'feed' | 'clock'>;
  readonly #invoke: TypedInvoke<BistroOperations>;
  readonly #paceMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #steps = new Map<string, Step>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #working = false;
  #stopped = false;

  constructor(core: Pick<Core, 'invoke' | 'feed' | 'clock'>, paceMs: number, onError: (error: unknown) => void) {
    this.#core = core;
    this.#invoke = typedInvoke<BistroOperations>(core.invoke);
    this.#paceMs = paceMs;
    this.#onError = onError;
  }

  /** Follows the feed, then picks up the orders that were already under way (after a restart). */
  async start(): Promise<void> {
    this.#unsubscribe = this.#core.feed.subscribe({ principal: cook, types: orderEventTypes }, (event) => this.#track(event.data as Order));
    for (const status of Object.keys(next) as OrderStatus[]) {
      let cursor: string | null = null;
      do {
        const page: OutputOf<BistroOperations['orders.list']> = (await this.#invoke('orders.list', { status, limit: 100, ...(cursor ? { cursor } : {}) }, cook, kitchenCall)).output;
        for (const order of page.items) this.#track(order);
        cursor = page.nextCursor;
      } while (cursor !== null);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    clearTimeout(this.#timer);
  }

  /** Remembers the next step of `order`; an older copy of an order never overrides a newer one. */
  #track(order: Order): void {
    const known = this.#steps.get(order.id);
    if (known && known.version > order.version) return;
    const to = next[order.status];
    if (to === undefined) this.#steps.delete(order.id);
    else this.#steps.set(order.id, { dueAt: Date.parse(order.updatedAt) + this.#paceMs, version: order.version, to });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped || this.#working) return;
    clearTimeout(this.#timer);
    let first = Infinity;
    for (const step of this.#steps.values()) first = Math.min(first, step.dueAt);
    if (first === Infinity) return;
    this.#timer = setTimeout(() => void this.#work(), Math.max(0, first - this.#core.clock().getTime()));
    this.#timer.unref();
  }

  /** Takes every step that is due; one that loses a race with a person is dropped (the feed brings the newer order). */
  async #work(): Promise<void> {
    this.#working = true;
    try {
      const now = this.#core.clock().getTime();
      for (const [id, step] of [...this.#steps]) {
        if (step.dueAt > now || this.#stopped) continue;
        try {
          await this.#invoke('orders.setStatus', { id, status: step.to, expectedVersion: step.version }, cook, kitchenCall);
        } catch (error) {
          if (error instanceof BistroError && error.code !== 'unavailable') {
            if (this.#steps.get(id) === step) this.#steps.delete(id);
          } else {
            // The store failed or is away (a 503 from a database deadline): try again one pace
            // later rather than spin, and never drop the step, or the order would stay where it is.
            this.#onError(error);
            step.dueAt = now + this.#paceMs;
          }
        }
      }
    } finally {
      this.#working = false;
      this.#schedule();
    }
  }
}
