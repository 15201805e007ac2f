/** Messages: one conversation per order between the guest and staff; staff may start it. */
import type { Principal } from './roles.ts';

export type MessageAuthor = 'guest' | 'waiter' | 'kitchen';

export interface Message {
  id: string;
  orderId: string;
  from: MessageAuthor;
  text: string;
  at: string;
}

export const maxMessageLength = 2000;

/** Admins speak to guests as the front of house. */
export function authorOf(principal: Principal): MessageAuthor {
  if (principal.role === 'kitchen') return 'kitchen';
  if (principal.role === 'guest') return 'guest';
  return 'waiter';
}
