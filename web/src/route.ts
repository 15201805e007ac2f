/** Pages live after the `#`, so no page path can shadow an API path such as /webhooks or /events. */
import { useSyncExternalStore } from 'react';

export const pages = ['guest', 'kitchen', 'waiter', 'webhooks', 'events', 'lab'] as const;
export type Page = (typeof pages)[number];

function current(): Page {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (pages as readonly string[]).includes(name) ? (name as Page) : 'guest';
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoute(): Page {
  return useSyncExternalStore(subscribe, current);
}

export const hrefOf = (page: Page): string => `#/${page}`;
