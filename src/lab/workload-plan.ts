/**
 * One phase's workload, decided by the seed alone: when each guest arrives, what they order, and
 * when a polling guest's clock ticks. Every pattern and every round gets the same plan, so their
 * numbers differ by the pattern, not by the orders.
 */
import type { MenuItem, OrderItemRequest } from '../../client/index.ts';

export interface GuestPlan {
  /** Milliseconds after the phase starts. */
  arrivesAfterMs: number;
  table: number;
  item: OrderItemRequest;
  /**
   * Where in its interval a polling guest's first request falls (0 to 1). Real phones do not
   * poll in step with the kitchen; without it, a 1 s poll and a 1 s kitchen pace would line up.
   */
  pollPhase: number;
}

/** mulberry32: small, fast and the same on every machine, which is all a workload needs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickItem(random: () => number, menu: readonly MenuItem[]): OrderItemRequest {
  const dish = menu[Math.floor(random() * menu.length)];
  if (!dish) throw new Error('the menu has no available dish to order');
  const adjustments: Record<string, number> = {};
  // About one ingredient in four adjusted: "no salt, two pieces of fish".
  for (const ingredient of dish.ingredients) {
    if (random() < 0.25) adjustments[ingredient.name] = ingredient.min + Math.floor(random() * (ingredient.max - ingredient.min + 1));
  }
  return Object.keys(adjustments).length > 0 ? { menuItemId: dish.id, quantity: 1, adjustments } : { menuItemId: dish.id, quantity: 1 };
}

export function planWorkload(seed: number, guests: number, durationS: number, menu: readonly MenuItem[]): GuestPlan[] {
  const random = seededRandom(seed);
  const available = menu.filter((item) => item.available);
  const plan = Array.from({ length: guests }, (_, index): GuestPlan => ({
    arrivesAfterMs: Math.floor(random() * durationS * 1000),
    table: 1 + (index % 50),
    item: pickItem(random, available),
    pollPhase: random(),
  }));
  return plan.sort((a, b) => a.arrivesAfterMs - b.arrivesAfterMs);
}
