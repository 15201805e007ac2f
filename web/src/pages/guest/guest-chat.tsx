/**
 * "Talk to the staff" on the current order (its own unmetered WebSocket chat, through
 * useConversation). The staff may speak first, so it opens as soon as there is an order.
 */
import { useState, type FormEvent } from 'react';
import type { MessageAuthor } from 'bistro/client';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { useConversation } from '../../components/use-conversation.ts';
import { timeOf } from '../../words.ts';

const who: Record<MessageAuthor, string> = { guest: 'You', waiter: 'Waiter', kitchen: 'Kitchen', admin: 'Manager' };

export function GuestChat({ token, orderId }: { token: string; orderId: string }) {
  const { messages, ready, sending, error, clearError, send } = useConversation(token, orderId);
  const [text, setText] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const said = text.trim();
    if (ready && said !== '' && (await send(said))) setText('');
  }

  return (
    <section className="card chat" aria-labelledby="chat-title">
      <h2 id="chat-title">Talk to the staff</h2>
      <ol className="messages" role="log" aria-label="Conversation" aria-live="polite">
        {messages.map((message) => (
          <li key={message.id} className={`message from-${message.from}`}>
            <span className="author">{who[message.from]}</span> <span className="text">{message.text}</span>{' '}
            <time dateTime={message.at} className="quiet-text">
              {timeOf(message.at)}
            </time>
          </li>
        ))}
      </ol>
      {messages.length === 0 && <p className="quiet-text">{ready ? 'No messages yet. Ask anything about your order.' : 'Connecting…'}</p>}
      <form className="chat-form" onSubmit={(event) => void submit(event)}>
        <label>
          Message
          <input value={text} onChange={(event) => setText(event.target.value)} maxLength={500} autoComplete="off" />
        </label>
        <button type="submit" disabled={!ready || sending || text.trim() === ''}>
          Send
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={clearError} />
    </section>
  );
}
