/**
 * Who this browser is: a guest seated at a table and, separately, a staff member signed in with a
 * key. Both live in localStorage, so a reload keeps them, and each browser profile is one person.
 */
import { useCallback, useSyncExternalStore } from 'react';

export interface GuestSession {
  token: string;
  guestId: string;
  name: string;
  table: number;
}

export type StaffRole = 'waiter' | 'kitchen' | 'admin';

export interface StaffSession {
  token: string;
  id: string;
  role: StaffRole;
  name: string;
}

const keys = { guest: 'bistro.guest', staff: 'bistro.staff' } as const;
type Stored = { guest: GuestSession; staff: StaffSession };

const listeners = new Set<() => void>();
const cache = new Map<string, { raw: string | null; value: unknown }>();

function read<K extends keyof Stored>(which: K): Stored[K] | undefined {
  const raw = localStorage.getItem(keys[which]);
  const cached = cache.get(which);
  // useSyncExternalStore needs the same object while nothing changed.
  if (cached && cached.raw === raw) return cached.value as Stored[K] | undefined;
  let value: Stored[K] | undefined;
  try {
    value = raw === null ? undefined : (JSON.parse(raw) as Stored[K]);
  } catch {
    value = undefined;
  }
  cache.set(which, { raw, value });
  return value;
}

function write<K extends keyof Stored>(which: K, value: Stored[K] | undefined): void {
  if (value === undefined) localStorage.removeItem(keys[which]);
  else localStorage.setItem(keys[which], JSON.stringify(value));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same profile signing in or out.
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** The stored session and a setter (undefined signs out). */
export function useSession<K extends keyof Stored>(which: K): [Stored[K] | undefined, (value: Stored[K] | undefined) => void] {
  const value = useSyncExternalStore(subscribe, () => read(which));
  const set = useCallback((next: Stored[K] | undefined) => write(which, next), [which]);
  return [value, set];
}
