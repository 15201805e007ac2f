/**
 * Taking an HTTP request's calls from its caller's budget (core.rateLimit) and saying where the
 * caller stands in the RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers-10
 * (`"default";q=600;w=60` and `"default";r=12;t=30`), plus Retry-After on a refusal.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BistroError, type Core, type Principal, type RatePolicy } from '../../core/core.ts';

const policyField = ({ limit, windowSeconds }: RatePolicy) => `"default";q=${limit};w=${windowSeconds}`;

/**
 * Counts `calls` for `principal` (the request's address when anonymous) and sets the fields on
 * `reply`. Throws `rate_limited` once the budget is spent, with Retry-After set: the pattern
 * renders it in its own shape, with status 429.
 */
export async function takeCalls(core: Pick<Core, 'rateLimit'>, request: FastifyRequest, reply: FastifyReply, principal: Principal, calls = 1): Promise<void> {
  const { policy } = core.rateLimit;
  if (policy === undefined) return;
  try {
    const state = await core.rateLimit.take(principal, request.ip, calls);
    if (state === undefined) return;
    reply.header('ratelimit-policy', policyField(policy)).header('ratelimit', `"default";r=${state.remaining};t=${state.resetSeconds}`);
  } catch (error) {
    if (error instanceof BistroError && error.code === 'rate_limited') {
      const retryAfter = String(error.details['retryAfter'] ?? 1);
      // The reset and Retry-After name the same moment (draft §"Use in throttled responses").
      reply.header('retry-after', retryAfter).header('ratelimit-policy', policyField(policy)).header('ratelimit', `"default";r=0;t=${retryAfter}`);
    }
    throw error;
  }
}

