/**
 * Ready-made answers (body and ETag) for shared reads such as the menu, kept until the log grows.
 * Every change appends an event and rings the feed, so a stale answer cannot outlive the commit
 * that made it stale on this node (with several nodes: until that commit's bell arrives).
 */
import type { Feed } from '../../core/feed.ts';

export interface CachedAnswer {
  body: string;
  etag: string;
}

/** @default 256 answers — the menu, its items and a few category filters; the map is dropped when full. */
const maxAnswers = 256;

export function createAnswerCache(feed: Pick<Feed, 'head'>) {
  let answers = new Map<string, CachedAnswer>();
  let cachedAt = feed.head();

  function fresh(): Map<string, CachedAnswer> {
    if (feed.head() !== cachedAt) {
      answers = new Map();
      cachedAt = feed.head();
    }
    return answers;
  }

  return {
    get: (key: string) => fresh().get(key),
    /** Keeps `answer` only if the log has not grown since `readAt`, the head when the read began. */
    set(key: string, answer: CachedAnswer, readAt: number) {
      const current = fresh();
      if (readAt !== cachedAt) return;
      if (current.size >= maxAnswers) current.clear();
      current.set(key, answer);
    },
  };
}
