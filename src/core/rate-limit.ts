/**
 * Per-principal rate limits, counted once for every pattern: each operation call (a REST request,
 * a JSON-RPC call, a GraphQL operation) takes one unit of its caller's budget for the window.
 * The counter lives in a rate-limiter-flexible store: memory on one node, Redis shared by many.
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { BistroError } from '../domain/errors.ts';
import type { Principal } from '../domain/roles.ts';

export interface RatePolicy {
  /** Calls per window. */
  limit: number;
  windowSeconds: number;
}

/** Where a caller stands after a counted call: what the RateLimit header field reports. */
export interface RateState {
  policy: RatePolicy;
  remaining: number;
  /** Seconds until the window ends and the budget is whole again. */
  resetSeconds: number;
}

export interface RateLimit {
  /** Undefined when rate limiting is off. */
  readonly policy: RatePolicy | undefined;
  /**
   * Counts `calls` against the caller: the principal, or `address` for an anonymous one. Resolves
   * undefined when nothing is counted (limits off, or the admin); throws `rate_limited` with a
   * `retryAfter` (seconds) detail once the budget is spent.
   */
  take(principal: Principal, address: string | undefined, calls?: number): Promise<RateState | undefined>;
}

export const noRateLimit: RateLimit = { policy: undefined, take: async () => undefined };

/** Options a store-backed limiter is made with, so the node can make a Redis one with the same policy. */
export function limiterOptions(policy: RatePolicy) {
  return { points: policy.limit, duration: policy.windowSeconds, keyPrefix: 'bistro:rate' };
}

/**
 * `limiter` counts; a memory one when absent. The admin is not counted: it is the operator's own
 * token, which must be able to revoke a key or disable a webhook exactly while clients are
 * spending their budgets; the node's load shedding still guards against it.
 */
export function createRateLimit(policy: RatePolicy, limiter: RateLimiterAbstract = new RateLimiterMemory(limiterOptions(policy))): RateLimit {
  const stateOf = (result: RateLimiterRes): RateState => ({ policy, remaining: result.remainingPoints, resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) });
  return {
    policy,
    async take(principal, address, calls = 1) {
      if (principal.role === 'admin') return undefined;
      const key = principal.role === 'anonymous' ? `address:${address ?? 'unknown'}` : `principal:${principal.id}`;
      try {
        return stateOf(await limiter.consume(key, calls));
      } catch (refusal) {
        // The limiter rejects with its result when the budget is spent; anything else is a store failure the insurance did not catch.
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        const retryAfter = stateOf(refusal).resetSeconds;
        throw new BistroError('rate_limited', `At most ${policy.limit} calls per ${policy.windowSeconds} s; try again in ${retryAfter} s.`, [], { retryAfter });
      }
    },
  };
}
