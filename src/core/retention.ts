/**
 * Event retention: the log keeps its last `keepEvents` events and prunes the rest, raising the
 * floor a cursor must be at or above (below it, every pattern answers `resync_required`). Pruning
 * runs after commits, in steps of a tenth of what is kept, so it is one DELETE now and then, not
 * one per commit, and never more than one at a time.
 */
import type { CommitListener } from './invoke.ts';
import type { Store } from './store.ts';

export function pruneAfterCommits(store: Store, keepEvents: number, logError: (error: unknown, where: string) => void): CommitListener {
  const step = Math.max(1, Math.floor(keepEvents / 10));
  let floor: number | undefined;
  let pruning = false;
  return (events) => {
    const last = events.at(-1);
    if (!last || pruning) return;
    const through = Number(last.event.sequence) - keepEvents;
    pruning = true;
    void (async () => {
      floor ??= await store.events.floor();
      if (through < floor + step) return;
      await store.transaction((session) => session.events.prune(through));
      floor = through;
    })()
      .catch((error: unknown) => logError(error, 'pruning the event log'))
      .finally(() => (pruning = false));
  };
}
