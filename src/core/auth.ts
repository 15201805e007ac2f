/** Turns a bearer token into a principal: the configured admin token, a guest token or a staff key. */
import { timingSafeEqual } from 'node:crypto';
import { BistroError } from '../domain/errors.ts';
import { anonymous, type Principal } from '../domain/roles.ts';
import { hashToken } from './ids.ts';
import type { Store, StoredPrincipal } from './store.ts';

export interface Authenticator {
  /** `authorization` is a header value (`Bearer …`) or a bare token; absent means anonymous. */
  authenticate(authorization: string | undefined): Promise<Principal>;
  /** The principal's key was revoked: its token is no longer taken, here or from the cache. */
  forget(principalId: string): void;
}

export function toPrincipal(stored: StoredPrincipal): Principal {
  return stored.table === null
    ? { id: stored.id, role: stored.role, name: stored.name }
    : { id: stored.id, role: stored.role, name: stored.name, table: stored.table };
}

/** Principals never change once issued (only revoked, which `forget` hears of), so a found one is cached; the cache is bounded. */
const cacheLimit = 10_000;

export function createAuthenticator(store: Store, adminToken: string): Authenticator {
  const adminHash = Buffer.from(hashToken(adminToken), 'hex');
  const admin: Principal = { id: 'admin', role: 'admin', name: 'admin' };
  const cache = new Map<string, Principal>();
  /** Revoked while a lookup was under way: that lookup must not put the principal back in the cache. */
  const revoked = new Set<string>();

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
      if (revoked.has(principal.id)) throw new BistroError('unauthorized', 'The bearer token is not valid.');
      if (cache.size >= cacheLimit) cache.clear();
      cache.set(hash, principal);
      return principal;
    },
    forget(principalId) {
      revoked.add(principalId);
      for (const [hash, principal] of cache) if (principal.id === principalId) cache.delete(hash);
    },
  };
}
