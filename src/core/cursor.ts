/**
 * The event cursor: a decimal string of a log sequence, "0" being the start, or "now", the log's
 * current end (follow from now, with no backlog). Valid in every pattern.
 */
import { invalid } from '../domain/errors.ts';

export function parseCursor(cursor: string | undefined, path = '/after'): number {
  if (cursor === undefined || cursor === '') return 0;
  if (!/^\d{1,15}$/.test(cursor)) throw invalid(path, 'a cursor is the decimal sequence of an event, "0" for the start');
  return Number(cursor);
}

export const nowCursor = 'now';

/** Where a reader starts: after `head()` for "now", else after the cursor as parseCursor reads it. */
export function startCursor(cursor: string | undefined, head: () => number, path = '/after'): number {
  return cursor === nowCursor ? head() : parseCursor(cursor, path);
}

export function formatCursor(sequence: number): string {
  return String(sequence);
}
