/**
 * Group commit for the single SQLite connection: transactions that arrive in the same turn of the
 * event loop run one after another inside one SQLite transaction, each in its own savepoint, and
 * share one COMMIT — one fsync at synchronous=FULL instead of one per write. No caller hears of
 * success before that COMMIT returns; if it fails, every member of the group fails.
 */
import { sql, type Kysely, type Transaction } from 'kysely';

export interface GroupCommitOptions {
  /** @default 64 transactions per COMMIT */
  maxGroupSize?: number;
  /** Stop gathering after this long, so a steady stream cannot delay a COMMIT forever. @default 10 ms */
  maxGatherMs?: number;
  /** The store's level for durable commits; relaxed ones commit at NORMAL. @default full */
  synchronous?: 'full' | 'normal';
}

interface Member<DB> {
  work(trx: Transaction<DB>): Promise<unknown>;
  /** May be lost on power failure: grouped only with others like it, committed without the fsync. */
  relaxed: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export function createGroupCommit<DB>(db: Kysely<DB>, { maxGroupSize = 64, maxGatherMs = 10, synchronous = 'full' }: GroupCommitOptions = {}) {
  const queue: Member<DB>[] = [];
  let draining = false;
  /** The connection's current level; switched only between groups (SQLite refuses it inside one). */
  let level: 'FULL' | 'NORMAL' = synchronous === 'full' ? 'FULL' : 'NORMAL';

  async function commitGroup(): Promise<void> {
    const committed: { member: Member<DB>; value: unknown }[] = [];
    let current: Member<DB> | undefined;
    let taken = 0;
    let ownError: { error: unknown } | undefined;
    // A group is all relaxed or all durable, so a durable write never loses its fsync to a neighbour.
    const relaxed = queue[0]?.relaxed ?? false;
    const wanted = relaxed || synchronous === 'normal' ? 'NORMAL' : 'FULL';
    try {
      if (wanted !== level) {
        await sql.raw(`pragma synchronous = ${wanted}`).execute(db);
        level = wanted;
      }
      await db.transaction().execute(async (trx) => {
        const started = Date.now();
        for (let size = 0; size < maxGroupSize; ) {
          if (queue[0] !== undefined && queue[0].relaxed !== relaxed) break;
          current = queue.shift();
          if (!current) {
            if (Date.now() - started >= maxGatherMs) break;
            // Requests already read in this turn of the loop join before the COMMIT is paid for.
            await new Promise((resolve) => setImmediate(resolve));
            if (queue.length === 0) break;
            continue;
          }
          size++;
          taken++;
          await sql`savepoint grouped`.execute(trx);
          try {
            const value = await current.work(trx);
            await sql`release savepoint grouped`.execute(trx);
            committed.push({ member: current, value });
          } catch (error) {
            // Only this member's writes are undone; the group goes on.
            ownError = { error };
            await sql`rollback to savepoint grouped`.execute(trx);
            await sql`release savepoint grouped`.execute(trx);
            current.reject(error);
          }
          current = undefined;
          ownError = undefined;
        }
      });
    } catch (error) {
      // The COMMIT (or undoing a member) failed: nothing of the group is stored, so nobody succeeded.
      current?.reject(ownError ? ownError.error : error);
      for (const { member } of committed) member.reject(error);
      // Not even BEGIN worked: fail the waiting ones too rather than retry forever.
      if (taken === 0) for (const member of queue.splice(0)) member.reject(error);
      return;
    }
    for (const { member, value } of committed) member.resolve(value);
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (queue.length > 0) await commitGroup();
    } finally {
      draining = false;
    }
  }

  return function transaction<T>(work: (trx: Transaction<DB>) => Promise<T>, relaxed = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ work, relaxed, resolve, reject });
      if (!draining) void drain();
    });
  };
}
