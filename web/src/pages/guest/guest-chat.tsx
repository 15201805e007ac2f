/**
 * "Talk to the staff" on the current order (its own unmetered WebSocket chat, through
 * useConversation). The staff may speak first, so it opens as soon as there is an order.
 */
import type { MessageAuthor } from 'bistro/client';
import { ConversationView } from '../../components/conversation-view.tsx';
import { useConversation } from '../../components/use-conversation.ts';

const who: Record<MessageAuthor, string> = { guest: 'You', waiter: 'Waiter', kitchen: 'Kitchen', admin: 'Manager' };

export function GuestChat({ token, orderId }: { token: string; orderId: string }) {
  const conversation = useConversation(token, orderId);
  return (
    <section className="card chat" aria-labelledby="chat-title">
      <h2 id="chat-title">Talk to the staff</h2>
      <ConversationView conversation={conversation} authors={who} emptyText="No messages yet. Ask anything about your order." />
    </section>
  );
}
