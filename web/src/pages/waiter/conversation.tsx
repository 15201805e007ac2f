/**
 * The conversation on one order: its history and every new message (useConversation). The waiter
 * may speak first; the guest's replies appear as they are posted. A send retried after a dropped
 * socket posts once.
 */
import { useEffect, useRef } from 'react';
import type { MessageAuthor, Order } from 'bistro/client';
import { ConversationView } from '../../components/conversation-view.tsx';
import { useConversation } from '../../components/use-conversation.ts';

const authorText: Record<MessageAuthor, string> = { guest: 'Guest', waiter: 'Waiter', kitchen: 'Kitchen', admin: 'Admin' };

export function Conversation({ token, order, onClose }: { token: string; order: Order; onClose: () => void }) {
  const conversation = useConversation(token, order.id);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), [order.id]);

  return (
    <section className="card conversation" aria-labelledby="conversation-title">
      <header className="conversation-head">
        <h2 id="conversation-title">Table {order.table}</h2>
        <button type="button" className="quiet" onClick={onClose}>
          Close conversation
        </button>
      </header>
      <ConversationView conversation={conversation} authors={authorText} emptyText="No messages yet: you can start the conversation." inputRef={input} />
    </section>
  );
}
