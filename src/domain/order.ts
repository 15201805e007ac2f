/**
 * Orders: pricing and validating items against the menu, and the lifecycle state machine
 * placed → accepted → preparing → ready → served, with cancellation (DESIGN.md §3).
 */
import { BistroError, invalid, pointerToken } from './errors.ts';
import type { MenuItem } from './menu.ts';
import type { Role } from './roles.ts';

export const orderStatuses = ['placed', 'accepted', 'preparing', 'ready', 'served', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface OrderItem {
  menuItemId: string;
  name: string;
  quantity: number;
  /** Portions per ingredient, only where they differ from nothing: `{ salt: 0, fish: 2 }`. */
  adjustments: Record<string, number>;
  note: string;
  /** Line price: the menu price at ordering time times the quantity. */
  priceCents: number;
}

export interface Order {
  id: string;
  guestId: string;
  table: number;
  status: OrderStatus;
  items: OrderItem[];
  totalCents: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface OrderItemRequest {
  menuItemId: string;
  quantity: number;
  adjustments?: Record<string, number>;
  note?: string;
}

export const maxItemsPerOrder = 50;
export const maxQuantity = 20;

/**
 * Turns what the guest asked for into priced order items, checking every adjustment against the menu.
 * `menu` holds at least every item the request names that exists.
 */
export function priceItems(requested: OrderItemRequest[], menu: ReadonlyMap<string, MenuItem>): { items: OrderItem[]; totalCents: number } {
  if (requested.length === 0) throw invalid('/items', 'an order needs at least one item');
  if (requested.length > maxItemsPerOrder) throw invalid('/items', `at most ${maxItemsPerOrder} items per order`);
  const items = requested.map((request, index): OrderItem => {
    const path = `/items/${index}`;
    const menuItem = menu.get(request.menuItemId);
    if (!menuItem) throw invalid(`${path}/menuItemId`, `no menu item "${request.menuItemId}"`);
    if (!menuItem.available) {
      throw new BistroError('menu_item_unavailable', `"${menuItem.name}" is not available right now.`, [
        { path: `${path}/menuItemId`, message: 'not available' },
      ]);
    }
    if (!Number.isInteger(request.quantity) || request.quantity < 1 || request.quantity > maxQuantity) {
      throw invalid(`${path}/quantity`, `quantity must be a whole number from 1 to ${maxQuantity}`);
    }
    const adjustments = request.adjustments ?? {};
    for (const [ingredientName, portions] of Object.entries(adjustments)) {
      const ingredient = menuItem.ingredients.find((candidate) => candidate.name === ingredientName);
      const where = `${path}/adjustments/${pointerToken(ingredientName)}`;
      if (!ingredient) throw invalid(where, `"${menuItem.name}" has no ingredient "${ingredientName}"`);
      if (!Number.isInteger(portions) || portions < ingredient.min || portions > ingredient.max) {
        throw invalid(where, `${ingredientName} must be a whole number of portions from ${ingredient.min} to ${ingredient.max}`);
      }
    }
    return {
      menuItemId: menuItem.id,
      name: menuItem.name,
      quantity: request.quantity,
      adjustments: { ...adjustments },
      note: request.note ?? '',
      priceCents: menuItem.priceCents * request.quantity,
    };
  });
  return { items, totalCents: items.reduce((sum, item) => sum + item.priceCents, 0) };
}

type Actor = 'guest' | 'staff';

/** Every legal move, and who may make it. Anything not listed is an invalid transition. */
const transitions: Record<OrderStatus, Partial<Record<OrderStatus, readonly Actor[]>>> = {
  placed: { accepted: ['staff'], cancelled: ['guest', 'staff'] },
  accepted: { preparing: ['staff'], cancelled: ['guest', 'staff'] },
  preparing: { ready: ['staff'], cancelled: ['staff'] },
  ready: { served: ['staff'] },
  served: {},
  cancelled: {},
};

function actorOf(role: Role): Actor | null {
  if (role === 'guest') return 'guest';
  if (role === 'waiter' || role === 'kitchen' || role === 'admin') return 'staff';
  return null;
}

export function canTransition(from: OrderStatus, to: OrderStatus, role: Role): boolean {
  const actor = actorOf(role);
  return actor !== null && (transitions[from][to]?.includes(actor) ?? false);
}

/** The statuses `role` may move an order to from `from`. */
export function nextStatuses(from: OrderStatus, role: Role): OrderStatus[] {
  return orderStatuses.filter((to) => canTransition(from, to, role));
}

export function transition(order: Order, to: OrderStatus, role: Role, now: string): Order {
  if (!canTransition(order.status, to, role)) {
    throw new BistroError('invalid_transition', `An order that is ${order.status} cannot become ${to}${role === 'guest' ? ' by a guest' : ''}.`);
  }
  return { ...order, status: to, version: order.version + 1, updatedAt: now };
}

export function changeItems(order: Order, priced: { items: OrderItem[]; totalCents: number }, now: string): Order {
  if (order.status !== 'placed') {
    throw new BistroError('invalid_transition', `Items can change only while the order is placed; it is ${order.status}.`);
  }
  return { ...order, ...priced, version: order.version + 1, updatedAt: now };
}

export function isFinal(status: OrderStatus): boolean {
  return status === 'served' || status === 'cancelled';
}
