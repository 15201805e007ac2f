/**
 * Strong ETags. A versioned resource's tag carries its version, so If-Match maps onto the
 * core's `expectedVersion`; anything else (pages, lists) is tagged by a hash of its bytes.
 */
import { createHash } from 'node:crypto';

interface Versioned {
  version: number;
  updatedAt: string;
}

function isVersioned(value: unknown): value is Versioned {
  return typeof value === 'object' && value !== null && typeof (value as Versioned).version === 'number' && typeof (value as Versioned).updatedAt === 'string';
}

export function etagFor(output: unknown, body: string): string {
  // The timestamp tells apart a deleted item re-created at the same version.
  if (isVersioned(output)) return `"${output.version}.${Date.parse(output.updatedAt).toString(36)}"`;
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** The version an If-Match tag names; null when it names none of ours, or is weak (it can then never match). */
export function versionFromEtag(tag: string): number | null {
  const match = /^"(\d+)\.[0-9a-z]+"$/.exec(tag.trim());
  return match ? Number(match[1]) : null;
}

/** RFC 9110 §13.1.2: weak comparison for If-None-Match; `*` matches any current representation. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
