/** An order's conversation on screen, the same for the guest and the waiter: the log, then a line to write in. */
import { useState, type FormEvent, type Ref } from 'react';
import type { MessageAuthor } from 'bistro/client';
import { timeOf } from '../words.ts';
import { ErrorNotice } from './error-notice.tsx';
import type { Conversation } from './use-conversation.ts';

interface ConversationViewProps {
  conversation: Conversation;
  /** Who said it, as this reader calls them ("You" to the guest, "Guest" to the waiter). */
  authors: Record<MessageAuthor, string>;
  /** Shown while nobody has said anything yet. */
  emptyText: string;
  inputRef?: Ref<HTMLInputElement>;
}

export function ConversationView({ conversation, authors, emptyText, inputRef }: ConversationViewProps) {
  const { messages, ready, sending, error, clearError, send } = conversation;
  const [text, setText] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const said = text.trim();
    if (ready && said !== '' && (await send(said))) setText('');
  }

  return (
    <>
      <ol className="conversation-log" role="log" aria-label="Conversation" aria-live="polite">
        {messages.map((message) => (
          <li key={message.id} className={`from-${message.from}`}>
            <span className="author">{authors[message.from]}</span> <span className="text">{message.text}</span>{' '}
            <time className="quiet-text" dateTime={message.at}>
              {timeOf(message.at)}
            </time>
          </li>
        ))}
      </ol>
      {messages.length === 0 && <p className="quiet-text">{ready ? emptyText : 'Connecting…'}</p>}
      <form className="conversation-send" onSubmit={(event) => void submit(event)}>
        <label>
          Message
          <input ref={inputRef} value={text} onChange={(event) => setText(event.target.value)} maxLength={500} autoComplete="off" />
        </label>
        <button type="submit" disabled={!ready || sending || text.trim() === ''}>
          Send
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={clearError} />
    </>
  );
}
