/** Keyset paging over ids that sort by creation time: the cursor is the id of a page's last item. */
import { invalid } from '../domain/errors.ts';

/** Keyset cursors are the id of the last item of a page; anything else cannot come from us. */
export function checkIdCursor(cursor: string | undefined, prefix: string): void {
  if (cursor !== undefined && !new RegExp(`^${prefix}_[0-9a-z]{26}$`).test(cursor)) throw invalid('/cursor', 'not a cursor from a previous page');
}

/** The store was asked for `limit + 1` items, so a full page knows whether another follows. */
export function keysetPage<T extends { id: string }>(fetched: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = fetched.slice(0, limit);
  return { items, nextCursor: fetched.length > limit ? (items.at(-1)?.id ?? null) : null };
}
