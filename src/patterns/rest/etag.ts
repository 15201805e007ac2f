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

/** The change tag an If-Match names; null when it names none of ours, or is weak (it can then never match). */
export function tagFromEtag(etag: string): number | null {
  const match = /^"(\d{1,15})"$/.exec(etag.trim());
  return match ? Number(match[1]) : null;
}

/** RFC 9110 §13.1.2: If-None-Match compares weakly, and `*` matches any current representation. */
export function anyTagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
