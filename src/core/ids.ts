/** Ids and tokens: prefixed, time-sortable ids (so keyset pagination follows creation) and random tokens. */
import { createHash, randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

export function newId(prefix: string): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}

export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** Tokens are stored as their SHA-256: they are long and random, so a slow hash buys nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
