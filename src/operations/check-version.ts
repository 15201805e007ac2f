/** Optimistic concurrency for every versioned resource: `expectedVersion` must be the version stored. */
import { BistroError } from '../domain/errors.ts';

export function checkVersion(current: { version: number }, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new BistroError('version_mismatch', `The resource is at version ${current.version}, not ${expectedVersion}.`);
  }
}
