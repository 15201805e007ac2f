/** The five ways this page can hear about changes to the order, in words a guest understands. */
import type { PushVia } from 'bistro/client';

export interface Pattern {
  via: PushVia;
  label: string;
  explanation: string;
}

export const patterns: Pattern[] = [
  { via: 'poll', label: 'Short polling', explanation: 'The page asks every second whether anything changed; most answers say "nothing new".' },
  { via: 'long-poll', label: 'Long polling', explanation: 'The server holds each request until something changes (or a while passes), then the page asks again.' },
  { via: 'sse', label: 'Server-Sent Events', explanation: 'One request stays open and the server writes each change down it as it happens.' },
  { via: 'ws', label: 'WebSocket', explanation: 'One two-way connection; the server pushes each change as a JSON-RPC message.' },
  { via: 'graphql-ws', label: 'GraphQL subscription', explanation: 'A GraphQL subscription over a WebSocket: the server sends the order itself whenever it changes.' },
];

const storageKey = 'bistro.guest.pattern';

export function storedPattern(): PushVia {
  const stored = localStorage.getItem(storageKey);
  return patterns.find((pattern) => pattern.via === stored)?.via ?? 'sse';
}

export function storePattern(via: PushVia): void {
  localStorage.setItem(storageKey, via);
}
