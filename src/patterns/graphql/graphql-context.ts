/** The request context every resolver shares: who asks, how to call an operation, and per-request batching. */
import DataLoader from 'dataloader';
import type { Core, MenuItem, Principal } from '../../core/core.ts';

/** What every resolver of one request shares. */
export interface GraphqlContext {
  principal: Principal;
  call(operation: string, input: Record<string, unknown>): Promise<unknown>;
  /** Menu items by id for this request only, so a list of orders reads the menu once. */
  menuItems: DataLoader<string, MenuItem | null>;
}

export function createContext(invoke: Core['invoke'], principal: Principal): GraphqlContext {
  const call = async (operation: string, input: Record<string, unknown>) => (await invoke(operation, input, principal)).output;
  let menuItems: GraphqlContext['menuItems'] | undefined;
  return {
    principal,
    call,
    // Made on first use: most requests never follow an order item to its menu item.
    get menuItems() {
      // One `menu.list` (one store read) answers any number of ids; a deleted item resolves to null.
      menuItems ??= new DataLoader(async (ids) => {
        const page = (await call('menu.list', {})) as { items: MenuItem[] };
        const byId = new Map(page.items.map((item) => [item.id, item]));
        return ids.map((id) => byId.get(id) ?? null);
      });
      return menuItems;
    },
  };
}
