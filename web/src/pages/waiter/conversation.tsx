/**
 * The conversation on one order: its history and every new message (useConversation). The waiter
 * may speak first; the guest's replies appear as they are posted. A send retried after a dropped
 * socket posts once.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Message, Order } from 'bistro/client';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { useConversation } from '../../components/use-conversation.ts';
import { timeOf } from '../../words.ts';

const authorText: Record<Message['from'], string> = { guest: 'Guest', waiter: 'Waiter', kitchen: 'Kitchen', admin: 'Admin' };

export function Conversation({ token, order, onClose }: { token: string; order: Order; onClose: () => void }) {
  const { messages, ready, sending, error, clearError, send } = useConversation(token, order.id);
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), [order.id]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const said = text.trim();
    if (ready && said !== '' && (await send(said))) setText('');
  }

  return (
    <section className="card conversation" aria-labelledby="conversation-title">
      <header className="conversation-head">
        <h2 id="conversation-title">Table {order.table}</h2>
        <button type="button" className="quiet" onClick={onClose}>
          Close conversation
        </button>
      </header>
      <ol className="conversation-log" role="log" aria-label="Conversation" aria-live="polite">
        {messages.map((message) => (
          <li key={message.id} className={message.from === 'guest' ? 'from-guest' : 'from-staff'}>
            <span className="author">{authorText[message.from]}</span> <span className="text">{message.text}</span>{' '}
            <time className="quiet-text" dateTime={message.at}>
              {timeOf(message.at)}
            </time>
          </li>
        ))}
      </ol>
      {messages.length === 0 && <p className="quiet-text">{ready ? 'No messages yet: you can start the conversation.' : 'Connecting…'}</p>}
      <form className="conversation-send" onSubmit={(event) => void submit(event)}>
        <label>
          Message
          <input ref={input} value={text} onChange={(event) => setText(event.target.value)} maxLength={500} autoComplete="off" />
        </label>
        <button type="submit" disabled={!ready || sending || text.trim() === ''}>
          Send
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={clearError} />
    </section>
  );
}
