/** Turns a bearer token into a principal: the configured admin token, a guest token or a staff key. */
import { timingSafeEqual } from 'node:crypto';
import { BistroError } from '../domain/errors.ts';
import { anonymous, type Principal } from '../domain/roles.ts';
import { hashToken } from './ids.ts';
import type { Store, StoredPrincipal } from './store.ts';

export interface Authenticator {
  /** `authorization` is a header value (`Bearer …`) or a bare token; absent means anonymous. */
  authenticate(authorization: string | undefined): Promise<Principal>;
}

export function toPrincipal(stored: StoredPrincipal): Principal {
  return stored.table === null
    ? { id: stored.id, role: stored.role, name: stored.name }
    : { id: stored.id, role: stored.role, name: stored.name, table: stored.table };
}

/** Principals never change once issued, so a found one is cached; the cache is bounded. */
const cacheLimit = 10_000;

export function createAuthenticator(store: Store, adminToken: string): Authenticator {
  const adminHash = Buffer.from(hashToken(adminToken), 'hex');
  const admin: Principal = { id: 'admin', role: 'admin', name: 'admin' };
  const cache = new Map<string, Principal>();

  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === '') return anonymous;
      const token = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : authorization.trim();
      if (token === '' || token.length > 200) throw new BistroError('unauthorized', 'The bearer token is not valid.');
      const hash = hashToken(token);
      if (timingSafeEqual(Buffer.from(hash, 'hex'), adminHash)) return admin;
      const cached = cache.get(hash);
      if (cached) return cached;
      const stored = await store.principals.findByTokenHash(hash);
      if (!stored) throw new BistroError('unauthorized', 'The bearer token is not valid.');
      const principal = toPrincipal(stored);
      if (cache.size >= cacheLimit) cache.clear();
      cache.set(hash, principal);
      return principal;
    },
  };
}
