/**
 * Strong ETags. A resource's tag is its core change tag, the sequence of the last event that
 * changed it: `"42"`. It never repeats for different content (a deleted and re-created resource
 * has a later event) and it is a cursor too. Pages and lists are tagged by a hash of their bytes.
 */
import { createHash } from 'node:crypto';

export function etagFor(tag: number | undefined, body: string): string {
  if (tag !== undefined) return `"${tag}"`;
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** One member of an If-Match or If-None-Match list (RFC 9110 §8.8.3), or `*`. */
type Condition = '*' | { weak: boolean; opaque: string };

/**
 * A member, its separating comma and the spaces around it. A quoted tag may hold commas, so the
 * list is not split on them; a member that is no entity tag is skipped (it matches nothing).
 */
const member = /[ \t]*(?:(\*)|(W\/)?"([^"]*)"|[^,]*)[ \t]*(?:,|$)/y;

function conditions(header: string): Condition[] {
  const found: Condition[] = [];
  member.lastIndex = 0;
  while (member.lastIndex < header.length) {
    const match = member.exec(header);
    if (match === null || match[0] === '') break;
    if (match[1] !== undefined) found.push('*');
    else if (match[3] !== undefined) found.push({ weak: match[2] !== undefined, opaque: match[3] });
  }
  return found;
}

/**
 * The change tags an If-Match names, any of which lets the change through (RFC 9110 §13.1.1), or
 * `any` for `*`. The comparison is strong: a weak tag never matches, nor one that is not ours, so
 * an empty list can match nothing.
 */
export function ifMatchTags(header: string): 'any' | number[] {
  const tags: number[] = [];
  for (const condition of conditions(header)) {
    if (condition === '*') return 'any';
    if (!condition.weak && /^\d{1,15}$/.test(condition.opaque)) tags.push(Number(condition.opaque));
  }
  return tags;
}

/** RFC 9110 §13.1.2: If-None-Match compares weakly, any member may match, and `*` matches any current representation. */
export function anyTagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return conditions(header).some((condition) => condition === '*' || `"${condition.opaque}"` === etag);
}
