/**
 * What `bistro`'s exit status means, so a script can tell "the server said no" from "I typed it
 * wrong" from "nothing is listening" without reading stderr. The README's table is this one.
 */
import { BistroClientError } from '../../client/errors.ts';

export const exitCodes = {
  /** Done; also a stream ended by Ctrl-C, `--count` or `--until-status` (its normal end). */
  ok: 0,
  /** The server refused or failed: a catalogue code such as `not_found` or `invalid_transition`. */
  refused: 1,
  /** The command line is wrong: an unknown command or flag, a missing argument, a bad value. */
  usage: 2,
  /** No answer: nothing listens at the URL, or the connection broke. */
  unreachable: 3,
  /** A token is missing, unknown or revoked (`unauthorized`), or its role may not do this (`forbidden`). */
  denied: 4,
  /** The server is busy or not ready (`rate_limited`, `overloaded`, `unavailable`, `request_timeout`): try again later. */
  busy: 5,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** A mistake on the command line that commander cannot see (a bad `--adjust`, an unknown `--via`). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The exit status for whatever ended a command. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError) return exitCodes.usage;
  if (!(error instanceof BistroClientError)) return exitCodes.refused;
  if (error.code === 'network_error') return exitCodes.unreachable;
  if (error.code === 'unauthorized' || error.code === 'forbidden') return exitCodes.denied;
  if (error.retryable) return exitCodes.busy;
  return exitCodes.refused;
}
