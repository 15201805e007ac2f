/** Adjustments in words a guest reads ("no salt", "2 × fish"), shared by the basket and the order tracker. */
import type { MenuItem } from 'bistro/client';

export type Adjustments = Record<string, number | undefined>;

export function adjustmentWords(adjustments: Adjustments): string[] {
  return Object.entries(adjustments)
    .filter((entry): entry is [string, number] => entry[1] !== undefined)
    .map(([ingredient, portions]) => (portions === 0 ? `no ${ingredient}` : `${portions} × ${ingredient}`));
}

/** Only the ingredients the guest moved away from the kitchen's default: the server fills in the rest. */
export function changedPortions(item: MenuItem, portions: Record<string, number>): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const ingredient of item.ingredients) {
    const chosen = portions[ingredient.name];
    if (chosen !== undefined && chosen !== ingredient.portions) changed[ingredient.name] = chosen;
  }
  return changed;
}

export function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
