/** Messages: one conversation per order between the guest and staff; staff may start it. */
import type { Principal } from './roles.ts';

export const messageAuthors = ['guest', 'waiter', 'kitchen', 'admin'] as const;
export type MessageAuthor = (typeof messageAuthors)[number];

export interface Message {
  id: string;
  orderId: string;
  from: MessageAuthor;
  text: string;
  at: string;
}

export const maxMessageLength = 2000;

/**
 * A message says the role of whoever posted it. The admin is labelled `admin`, not passed off as a
 * waiter: a guest told something by the manager should know who said it, and the label must not
 * claim a key the admin does not hold. Only signed-in principals post (the operation's roles).
 */
export function authorOf(principal: Principal): MessageAuthor {
  if (principal.role === 'anonymous') throw new Error('an anonymous caller cannot post a message');
  return principal.role;
}
