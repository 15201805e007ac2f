/**
 * The one rule for who sees which events: a guest sees the public menu and their own orders;
 * staff see everything. Every pattern that delivers events goes through here.
 */
import type { Audience } from '../domain/events.ts';
import { isStaff, type Principal } from '../domain/roles.ts';

/** The audiences `principal` may read, or null for all of them. */
export function audiencesFor(principal: Principal): readonly string[] | null {
  if (isStaff(principal)) return null;
  if (principal.role === 'guest') return ['public', principal.id];
  return ['public'];
}

/** The same rule as `audiencesFor`, without building a list: the feed asks it once per event per subscriber. */
export function canSee(principal: Principal, audience: Audience): boolean {
  if (audience === 'public' || isStaff(principal)) return true;
  return principal.role === 'guest' && audience === principal.id;
}
