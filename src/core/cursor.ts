/** The event cursor: a decimal string of a log sequence, "0" being the start. Valid in every pattern. */
import { invalid } from '../domain/errors.ts';

export function parseCursor(cursor: string | undefined, path = '/after'): number {
  if (cursor === undefined || cursor === '') return 0;
  if (!/^\d{1,15}$/.test(cursor)) throw invalid(path, 'a cursor is the decimal sequence of an event, "0" for the start');
  return Number(cursor);
}

export function formatCursor(sequence: number): string {
  return String(sequence);
}
