/**
 * "Talk to the staff" on the current order, over its own (unmetered) WebSocket chat. The staff may
 * speak first, so the chat opens as soon as there is an order; `after: '0'` replays the
 * conversation so far from the log, then new messages arrive as they are posted (our own too).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Chat, Message, MessageAuthor } from 'bistro/client';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { timeOf } from './words.ts';

const who: Record<MessageAuthor, string> = { guest: 'You', waiter: 'Waiter', kitchen: 'Kitchen', admin: 'Manager' };

export function GuestChat({ token, orderId }: { token: string; orderId: string }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [ready, setReady] = useState(false);
  const [sending, setSending] = useState(false);
  const chat = useRef<Chat | undefined>(undefined);

  useEffect(() => {
    const stop = new AbortController();
    setMessages([]);
    setReady(false);
    setError(undefined);
    void (async () => {
      try {
        const opened = await clientFor(token).chat(orderId, { after: '0', signal: stop.signal });
        chat.current = opened;
        setReady(true);
        for await (const message of opened.messages) {
          // A resumed socket never repeats, but our own send's answer may have added it already.
          setMessages((previous) => (previous.some((known) => known.id === message.id) ? previous : [...previous, message]));
        }
      } catch (caught) {
        if (!stop.signal.aborted) setError(caught);
      }
    })();
    return () => {
      stop.abort();
      chat.current?.close();
      chat.current = undefined;
    };
  }, [token, orderId]);

  async function send(event: FormEvent) {
    event.preventDefault();
    const open = chat.current;
    const said = text.trim();
    if (!open || said === '') return;
    setSending(true);
    setError(undefined);
    try {
      const posted = await open.send(said);
      setText('');
      setMessages((previous) => (previous.some((known) => known.id === posted.id) ? previous : [...previous, posted]));
    } catch (caught) {
      setError(caught);
    } finally {
      setSending(false);
    }
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
      <form className="chat-form" onSubmit={(event) => void send(event)}>
        <label>
          Message
          <input value={text} onChange={(event) => setText(event.target.value)} maxLength={500} autoComplete="off" />
        </label>
        <button type="submit" disabled={!ready || sending || text.trim() === ''}>
          Send
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={() => setError(undefined)} />
    </section>
  );
}
