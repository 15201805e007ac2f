/**
 * Turns a bearer token into a principal: the configured admin token, a guest token or a staff key.
 * Where the token came from decides its form: an Authorization header must use the Bearer scheme,
 * a `token` query parameter is the bare token.
 */
import { timingSafeEqual } from 'node:crypto';
import { BistroError } from '../domain/errors.ts';
import { anonymous, type Principal } from '../domain/roles.ts';
import { hashToken } from './ids.ts';
import type { Store, StoredPrincipal } from './store.ts';

export interface Authenticator {
  /**
   * An Authorization header value, `Bearer <token>` (the scheme in any case, RFC 9110 §11.1); absent
   * or empty means anonymous. Any other form is `unauthorized`: a header without the scheme is not
   * taken for a bare token.
   */
  authenticateHeader(authorization: string | undefined): Promise<Principal>;
  /** A bare token, where no header can be set (`?token=` on a WebSocket upgrade or an EventSource); absent or empty means anonymous. */
  authenticateToken(token: string | undefined): Promise<Principal>;
  /** The principal's key was revoked: its token is no longer taken, here or from the cache. */
  forget(principalId: string): void;
}

export function toPrincipal(stored: StoredPrincipal): Principal {
  return stored.table === null
    ? { id: stored.id, role: stored.role, name: stored.name }
    : { id: stored.id, role: stored.role, name: stored.name, table: stored.table };
}

const notValid = () => new BistroError('unauthorized', 'The bearer token is not valid.');

/** `Bearer`, any case, then the token (RFC 6750 §2.1: one or more spaces between). */
const bearer = /^bearer[ \t]+(\S+)$/i;

/** The token of an Authorization header value; throws `unauthorized` unless it uses the Bearer scheme. */
export function bearerToken(authorization: string): string {
  const match = bearer.exec(authorization.trim());
  if (!match) throw new BistroError('unauthorized', 'Send the token as `Authorization: Bearer <token>`.');
  return match[1] as string;
}

/**
 * The token in a JSON field that stands for the header (GraphQL `connectionParams.authorization`):
 * the header's form `Bearer <token>`, or the bare token. The bare form stays accepted there, unlike
 * in a header: it was documented from the start, and inside a JSON payload no other scheme can be
 * meant, so there is nothing to mistake it for.
 */
export function tokenOfParameter(value: string): string {
  const trimmed = value.trim();
  return /^bearer[ \t]/i.test(trimmed) ? bearerToken(trimmed) : trimmed;
}

/** Principals never change once issued (only revoked, which `forget` hears of), so a found one is cached; the cache is bounded. */
const cacheLimit = 10_000;

export function createAuthenticator(store: Store, adminToken: string): Authenticator {
  const adminHash = Buffer.from(hashToken(adminToken), 'hex');
  const admin: Principal = { id: 'admin', role: 'admin', name: 'admin' };
  const cache = new Map<string, Principal>();
  /** Revoked while a lookup was under way: that lookup must not put the principal back in the cache. */
  const revoked = new Set<string>();

  async function authenticateToken(token: string | undefined): Promise<Principal> {
    if (token === undefined || token === '') return anonymous;
    if (token.length > 200) throw notValid();
    const hash = hashToken(token);
    if (timingSafeEqual(Buffer.from(hash, 'hex'), adminHash)) return admin;
    const cached = cache.get(hash);
    if (cached) return cached;
    const stored = await store.principals.findByTokenHash(hash);
    if (!stored) throw notValid();
    const principal = toPrincipal(stored);
    if (revoked.has(principal.id)) throw notValid();
    if (cache.size >= cacheLimit) cache.clear();
    cache.set(hash, principal);
    return principal;
  }

  return {
    authenticateToken,
    async authenticateHeader(authorization) {
      if (authorization === undefined || authorization === '') return anonymous;
      return authenticateToken(bearerToken(authorization));
    },
    forget(principalId) {
      revoked.add(principalId);
      for (const [hash, principal] of cache) if (principal.id === principalId) cache.delete(hash);
    },
  };
}
