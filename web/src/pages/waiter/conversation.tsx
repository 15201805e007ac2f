/**
 * The conversation on one order: the whole history and every new message over one WebSocket chat
 * (`after: '0'` replays it from the log, then it stays live). The waiter may speak first; the
 * guest's replies appear as they are posted. A send retried after a dropped socket posts once.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Chat, Message, Order } from 'bistro/client';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';

const authorText: Record<Message['from'], string> = { guest: 'Guest', waiter: 'Waiter', kitchen: 'Kitchen', admin: 'Admin' };

export function Conversation({ token, order, onClose }: { token: string; order: Order; onClose: () => void }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [chat, setChat] = useState<Chat>();
  const [error, setError] = useState<unknown>();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const stop = new AbortController();
    setMessages([]);
    setChat(undefined);
    setError(undefined);
    void (async () => {
      try {
        const opened = await clientFor(token).chat(order.id, { after: '0', signal: stop.signal });
        setChat(opened);
        for await (const message of opened.messages) {
          // The chat hears our own sends too; a message already shown is not added twice.
          setMessages((previous) => (previous.some((known) => known.id === message.id) ? previous : [...previous, message]));
        }
      } catch (caught) {
        if (!stop.signal.aborted) setError(caught);
      }
    })();
    input.current?.focus();
    return () => stop.abort();
  }, [token, order.id]);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!chat || text.trim() === '') return;
    setSending(true);
    setError(undefined);
    try {
      const posted = await chat.send(text.trim());
      setMessages((previous) => (previous.some((known) => known.id === posted.id) ? previous : [...previous, posted]));
      setText('');
    } catch (caught) {
      setError(caught);
    } finally {
      setSending(false);
    }
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
              {new Date(message.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
            </time>
          </li>
        ))}
      </ol>
      {messages.length === 0 && <p className="quiet-text">{chat ? 'No messages yet: you can start the conversation.' : 'Connecting…'}</p>}
      <form className="conversation-send" onSubmit={(event) => void send(event)}>
        <label>
          Message
          <input ref={input} value={text} onChange={(event) => setText(event.target.value)} maxLength={500} autoComplete="off" />
        </label>
        <button type="submit" disabled={!chat || sending || text.trim() === ''}>
          Send
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={() => setError(undefined)} />
    </section>
  );
}
