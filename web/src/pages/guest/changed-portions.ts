/** Only the ingredients the guest moved away from the kitchen's default: the server fills in the rest. */
import type { MenuItem } from 'bistro/client';

export function changedPortions(item: MenuItem, portions: Record<string, number>): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const ingredient of item.ingredients) {
    const chosen = portions[ingredient.name];
    if (chosen !== undefined && chosen !== ingredient.portions) changed[ingredient.name] = chosen;
  }
  return changed;
}
