/**
 * Ready-made answers for shared reads, kept until the log grows: the outputs of operations whose
 * answer is the same for every caller, shared by every pattern, and each pattern's own wire form of
 * them (REST body and ETag, JSON-RPC result bytes, a whole GraphQL response) in slots dropped at
 * the same moment. Every change appends an event and rings the feed, so nothing kept here outlives
 * the commit that made it stale on this node (with several nodes: until that commit's bell arrives).
 */
import type { Principal } from '../domain/roles.ts';
import type { Catalogue } from './catalogue.ts';
import type { Feed } from './feed.ts';
import type { Invoke, InvokeOptions, InvokeResult } from './invoke.ts';
import { allRoles } from './operation.ts';

export interface AnswerSlot<T> {
  get(key: string): T | undefined;
  /** Keeps `value` only if the log has not grown since `readAt`, the head read before the work that made it began. */
  set(key: string, value: T, readAt: number): void;
}

export interface AnswerCache {
  /** The head to hand to `set`: read it before the work whose result is to be kept. */
  head(): number;
  /**
   * A `sharedRead` operation that every role may call: its output depends only on the input and
   * the log, never on the principal, so one caller's answer may be given to any other.
   */
  isShared(name: string): boolean;
  /** A pattern's own store of wire forms, dropped with everything else when the log grows. */
  slot<T>(): AnswerSlot<T>;
  /**
   * The output of `name(input)`: for a shared read, the kept one while the log has not grown;
   * anything else is simply invoked. `principal` must come from `authenticateHeader` or
   * `authenticateToken` (a bad token is refused before this). The kept output was made from an input with the same JSON, which passed
   * the same role and input checks, so a hit skips them. Outputs are frozen: they are shared.
   * The result keeps its change tag, so REST's ETag of a kept answer is the one it was made with.
   */
  read(name: string, input: Record<string, unknown>, principal: Principal, options?: InvokeOptions): Promise<InvokeResult>;
}

/** @default 256 answers per slot — the menu, its items and a few filters; a full slot is emptied, so junk keys cannot grow memory. */
const maxAnswers = 256;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function createAnswerCache(feed: Pick<Feed, 'head'>, catalogue: Pick<Catalogue, 'get'>, invoke: Invoke): AnswerCache {
  const slots: Map<string, unknown>[] = [];
  let cachedAt = feed.head();

  /** Empties every slot once the log has grown past what they were made from. */
  function current(): number {
    const head = feed.head();
    if (head !== cachedAt) {
      cachedAt = head;
      for (const slot of slots) slot.clear();
    }
    return head;
  }

  function slot<T>(): AnswerSlot<T> {
    const answers = new Map<string, T>();
    slots.push(answers);
    return {
      get(key) {
        current();
        return answers.get(key);
      },
      set(key, value, readAt) {
        if (readAt !== current()) return;
        if (answers.size >= maxAnswers) answers.clear();
        answers.set(key, value);
      },
    };
  }

  // Only catalogue names are remembered: names a client makes up must not grow this map.
  const shared = new Map<string, boolean>();
  function isShared(name: string): boolean {
    const known = shared.get(name);
    if (known !== undefined) return known;
    const operation = catalogue.get(name)?.operation;
    if (!operation) return false;
    const answer = operation.sharedRead === true && allRoles.every((role) => operation.roles.includes(role));
    shared.set(name, answer);
    return answer;
  }

  const results = slot<InvokeResult>();
  return {
    head: current,
    isShared,
    slot,
    async read(name, input, principal, options) {
      if (!isShared(name)) return invoke(name, input, principal, options);
      // Keyed before invoke runs: validation fills in defaults, changing the input it is given.
      const key = `${name}\u0000${JSON.stringify(input)}`;
      const kept = results.get(key);
      if (kept !== undefined) return kept;
      const readAt = current();
      const result = deepFreeze(await invoke(name, input, principal, options));
      results.set(key, result, readAt);
      return result;
    },
  };
}
