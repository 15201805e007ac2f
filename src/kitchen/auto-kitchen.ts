/**
 * The auto kitchen: a simulated cook and waiter that move each order one step along the
 * lifecycle once it has sat `paceMs` in its status. It works through the same operations as a
 * person would, so every step is an ordinary event in the log.
 */
import { BistroError } from '../domain/errors.ts';
import type { Order, OrderStatus } from '../domain/order.ts';
import type { Principal } from '../domain/roles.ts';
import type { Invoke } from '../core/invoke.ts';

const next: Partial<Record<OrderStatus, OrderStatus>> = { placed: 'accepted', accepted: 'preparing', preparing: 'ready', ready: 'served' };
const cook: Principal = { id: 'auto-kitchen', role: 'kitchen', name: 'auto kitchen' };

export class AutoKitchen {
  readonly #invoke: Invoke;
  readonly #paceMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(invoke: Invoke, paceMs: number, onError: (error: unknown) => void) {
    this.#invoke = invoke;
    this.#paceMs = paceMs;
    this.#onError = onError;
  }

  start(): void {
    // Checking a few times per step keeps each step close to its pace without a timer per order.
    this.#timer = setInterval(() => void this.tick(), Math.max(5, Math.floor(this.#paceMs / 4)));
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One pass over the active orders; steps that lose a race with a person are skipped. */
  async tick(now = Date.now()): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (const [from, to] of Object.entries(next) as [OrderStatus, OrderStatus][]) {
        const { output } = await this.#invoke('orders.list', { status: from, limit: 100 }, cook);
        for (const order of (output as { items: Order[] }).items) {
          if (now - Date.parse(order.updatedAt) < this.#paceMs) continue;
          await this.#invoke('orders.setStatus', { id: order.id, status: to, expectedVersion: order.version }, cook).catch((error: unknown) => {
            if (!(error instanceof BistroError)) throw error;
          });
        }
      }
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#running = false;
    }
  }
}
