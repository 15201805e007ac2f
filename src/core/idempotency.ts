/**
 * Idempotency keys (IETF draft-ietf-httpapi-idempotency-key-header), kept in the database so
 * they survive restarts and serve every pattern: a repeat replays the first answer, the same key
 * with another request is refused, and a repeat while the first is still running is a conflict.
 */
import { createHash } from 'node:crypto';
import { BistroError } from '../domain/errors.ts';
import type { Store, StoreSession } from './store.ts';

/** A pending key older than this belongs to a request that died mid-way (a crash); it may be retried. */
export const abandonedAfterMs = 60_000;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(operation: string, input: Record<string, unknown>): string {
  const { idempotencyKey: _ignored, ...rest } = input;
  return createHash('sha256').update(operation).update('\n').update(canonicalJson(rest)).digest('base64url');
}

export type Claim = { kind: 'fresh' } | { kind: 'replay'; output: unknown; tag: number | null };

/** Claims `key` for this request in its own short transaction, before the work starts. */
export async function claimKey(store: Store, principalId: string, key: string, operation: string, hash: string, now: Date): Promise<Claim> {
  return store.transaction(async (session) => {
    const record = { principalId, key, operation, requestHash: hash, state: 'pending' as const, response: null, responseTag: null, createdAt: now.toISOString() };
    const existing = await session.idempotency.find(principalId, key);
    if (!existing) {
      // Where claims can overlap (PostgreSQL at READ COMMITTED), another may insert after our find.
      if (!(await session.idempotency.insert(record))) throw new BistroError('idempotency_key_in_progress');
      return { kind: 'fresh' };
    }
    if (existing.operation !== operation || existing.requestHash !== hash) {
      throw new BistroError('idempotency_key_reused');
    }
    if (existing.state === 'done') return { kind: 'replay', output: JSON.parse(existing.response ?? 'null') as unknown, tag: existing.responseTag };
    if (now.getTime() - Date.parse(existing.createdAt) < abandonedAfterMs) throw new BistroError('idempotency_key_in_progress');
    await session.idempotency.replacePending(record);
    return { kind: 'fresh' };
  });
}

/** Stores the answer inside the operation's own transaction, so key and effect commit together. */
export async function completeKey(session: StoreSession, principalId: string, key: string, output: unknown, tag: number | undefined): Promise<void> {
  await session.idempotency.complete(principalId, key, JSON.stringify(output), tag ?? null);
}

/** The work failed and changed nothing: free the key so a corrected retry may use it. */
export async function releaseKey(store: Store, principalId: string, key: string): Promise<void> {
  await store.transaction((session) => session.idempotency.delete(principalId, key));
}
