/**
 * One order's conversation, for the guest's chat and the waiter's console alike: the history read
 * once with messages.list, then every new message over the WebSocket chat from the log position read
 * before that list, so nothing posted in between is missed and the log is not replayed from its start
 * (which grows with every event of every order). Messages are kept once each, by id.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Chat, Message } from 'bistro/client';
import { clientFor } from '../bistro.ts';
import { useAction } from './use-action.ts';

export interface Conversation {
  messages: Message[];
  /** The chat is subscribed: a message sent now is heard, by both sides. */
  ready: boolean;
  sending: boolean;
  /** Why the chat could not open, or the last send was refused. */
  error: unknown;
  clearError: () => void;
  /** Posts once, whatever the socket does; true when posted, false when refused (see `error`). */
  send: (text: string) => Promise<boolean>;
}

function added(known: Message[], incoming: Message[]): Message[] {
  const ids = new Set(known.map((message) => message.id));
  const fresh = incoming.filter((message) => !ids.has(message.id));
  return fresh.length === 0 ? known : [...known, ...fresh];
}

export function useConversation(token: string, orderId: string): Conversation {
  const [messages, setMessages] = useState<Message[]>([]);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<unknown>();
  const chat = useRef<Chat | undefined>(undefined);

  useEffect(() => {
    const stop = new AbortController();
    const client = clientFor(token);
    setMessages([]);
    setReady(false);
    setError(undefined);
    void (async () => {
      try {
        const { nextCursor: after } = await client.events.list({ after: 'now' });
        const history: Message[] = [];
        for (let cursor: string | undefined; ; ) {
          const page = await client.messages.list({ orderId, limit: 100, ...(cursor ? { cursor } : {}) });
          history.push(...page.items);
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }
        if (stop.signal.aborted) return;
        setMessages((known) => added(history, known));
        const opened = await client.chat(orderId, { after, signal: stop.signal });
        chat.current = opened;
        setReady(true);
        for await (const message of opened.messages) setMessages((known) => added(known, [message]));
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

  const sending = useAction();
  const { run, clearError: clearSendError } = sending;
  const send = useCallback(
    (text: string) =>
      run(async () => {
        const open = chat.current;
        if (!open) return;
        const posted = await open.send(text);
        setMessages((known) => added(known, [posted]));
      }),
    [run],
  );
  const clearError = useCallback(() => {
    setError(undefined);
    clearSendError();
  }, [clearSendError]);

  return { messages, ready, sending: sending.busy, error: sending.error ?? error, clearError, send };
}
