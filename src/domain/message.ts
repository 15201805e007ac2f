/** Messages: one conversation per order between the guest and staff; staff may start it. */
import type { Principal } from './roles.ts';

export const messageAuthors = ['guest', 'waiter', 'kitchen'] as const;
export type MessageAuthor = (typeof messageAuthors)[number];

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
