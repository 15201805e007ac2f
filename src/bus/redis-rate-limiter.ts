/**
 * The rate-limit counters on Redis, so every node of a deployment draws on one budget per
 * principal. While Redis is away (or slow past `commandTimeoutMs`) each node counts in its own
 * memory instead (rate-limiter-flexible's insurance limiter): the budget is then per node, and no
 * request fails because of the counter.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RedisRateLimiterOptions {
  url: string;
  /** What the nodes share (the database URL and schema): the keys are derived from it. */
  deployment: string;
  /** rate-limiter-flexible's `points`, `duration` and `keyPrefix`. */
  limiter: { points: number; duration: number; keyPrefix: string };
  logError: (error: unknown, where: string) => void;
}

/** A counter round trip longer than this counts in memory instead: the limit must never be what makes a request slow. */
const commandTimeoutMs = 200;

export async function createRedisRateLimiter({ url, deployment, limiter, logError }: RedisRateLimiterOptions): Promise<{ limiter: RateLimiterAbstract; close(): void }> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: commandTimeoutMs });
  let lastError = 0;
  client.on('error', (error) => {
    // One line per ten seconds while Redis is away, not one per request.
    if (Date.now() - lastError < 10_000) return;
    lastError = Date.now();
    logError(error, 'rate limits: Redis');
  });
  await client.connect();
  const scope = createHash('sha256').update(deployment).digest('hex').slice(0, 16);
  const options = { ...limiter, keyPrefix: `${limiter.keyPrefix}:${scope}` };
  return {
    limiter: new RateLimiterRedis({ ...options, storeClient: client, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) }),
    close: () => client.disconnect(),
  };
}
