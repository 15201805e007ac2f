/** Every operation Bistro has. A pattern that serves the catalogue serves all of these. */
import type { AnyOperation } from '../core/operation.ts';
import { createKey, registerGuest, revokeKey, whoAmI } from './access.ts';
import { listEvents } from './events.ts';
import { setOrderStatus } from './order-status.ts';
import { createMenuItem, deleteMenuItem, getMenuItem, listMenu, updateMenuItem } from './menu.ts';
import { listMessages, sendMessage } from './messages.ts';
import { cancelOrder, getOrder, listOrders, placeOrder, updateOrder } from './orders.ts';
import { webhookOperations } from './webhooks.ts';

const all = [
  listMenu,
  getMenuItem,
  createMenuItem,
  updateMenuItem,
  deleteMenuItem,
  placeOrder,
  listOrders,
  getOrder,
  updateOrder,
  cancelOrder,
  setOrderStatus,
  listMessages,
  sendMessage,
  listEvents,
  registerGuest,
  createKey,
  revokeKey,
  whoAmI,
  ...webhookOperations,
] as const;

export const operations: readonly AnyOperation[] = all;

/** Every operation by its name, for `typedInvoke<BistroOperations>(core.invoke)`. */
export type BistroOperations = { [O in (typeof all)[number] as O['name']]: O };
