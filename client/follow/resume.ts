/**
 * The reconnect loop every push pattern shares: it runs one session after another, each from the
 * last sequence handed out, so a dropped connection costs neither a gap nor a repeat. Retryable
 * failures wait an exponential backoff with full jitter (and at least the server's Retry-After);
 * anything else, `resync_required` above all, ends the iteration with the error.
 */
import { BistroClientError, networkError } from '../errors.ts';
import type { CloudEvent, RetryOptions } from '../types.ts';

/** What one session (one connection, one stream, one run of polls) is given. */
export interface SessionContext {
  /** The cursor to follow after; undefined only when the session itself finds "now" (it says so through `connected`). */
  after: string | undefined;
  /** True when `after` is the last event handed out after a drop, not the caller's starting point. */
  resuming: boolean;
  types: readonly string[] | undefined;
  /** Aborted when the caller stops: the session ends (returns) and closes what it holds. */
  signal: AbortSignal;
  /** The server took the session; `cursor` is where it starts when the session found "now" itself. */
  connected(cursor?: string): void;
}

/** Yields events until it fails; ending without a failure counts as a dropped connection too. */
export type Session<T = CloudEvent> = (context: SessionContext) => AsyncIterable<T>;

export interface ResumeOptions<T = CloudEvent> {
  after: string | undefined;
  types: readonly string[] | undefined;
  signal: AbortSignal;
  retry?: RetryOptions | undefined;
  onReconnect?: ((info: { attempt: number; delayMs: number; error: unknown }) => void) | undefined;
  /** Finds the log's current end when `after` is absent and the session cannot (HTTP has no "from now"). */
  currentEnd?: ((signal: AbortSignal) => Promise<string>) | undefined;
  /** Draws the jitter; tests may pin it. @default Math.random */
  random?: () => number;
  /** Where an item stands, as a decimal string: a session's items at or below the last one handed out are dropped. @default the event's sequence */
  positionOf?: (item: T) => string;
}

const defaultInitialDelayMs = 250;
const defaultMaxDelayMs = 10_000;

/** Full jitter (a uniform draw up to the exponential cap), never shorter than the server asked for. */
export function backoffDelayMs(attempt: number, retry: RetryOptions = {}, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const initial = retry.initialDelayMs ?? defaultInitialDelayMs;
  const cap = Math.min(retry.maxDelayMs ?? defaultMaxDelayMs, initial * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * cap);
  return retryAfterSeconds === undefined ? jittered : Math.max(jittered, retryAfterSeconds * 1000);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Errors from outside the client (a fetch TypeError, a socket error) are a network failure. */
export function asClientError(error: unknown): BistroClientError {
  return error instanceof BistroClientError ? error : networkError(error);
}

/** Positions are decimal strings (sequences of at most 15 digits, versions): a Number holds them. */
const isAfter = (sequence: string, position: string | undefined) => position === undefined || Number(sequence) > Number(position);

const sequenceOf = (item: unknown) => (item as CloudEvent).sequence;

export async function* resume<T = CloudEvent>(session: Session<T>, options: ResumeOptions<T>): AsyncGenerator<T, void, undefined> {
  const { signal } = options;
  const positionOf = options.positionOf ?? sequenceOf;
  let position = options.after;
  let resuming = false;
  let failures = 0;
  while (!signal.aborted) {
    let failure: unknown;
    try {
      if (position === undefined && options.currentEnd) position = await options.currentEnd(signal);
      const context: SessionContext = {
        after: position,
        resuming,
        types: options.types,
        signal,
        connected(cursor) {
          failures = 0;
          if (position === undefined && cursor !== undefined) position = cursor;
        },
      };
      for await (const item of session(context)) {
        if (signal.aborted) return;
        const at = positionOf(item);
        if (!isAfter(at, position)) continue;
        position = at;
        resuming = true;
        failures = 0;
        yield item;
      }
      failure = new BistroClientError('network_error', 'the server ended the stream', { status: 0 });
    } catch (error) {
      failure = error;
    }
    if (signal.aborted) return;
    const error = asClientError(failure);
    if (!error.retryable) throw error;
    failures += 1;
    if (failures >= (options.retry?.maxAttempts ?? Infinity)) throw error;
    // Whatever the next session starts from, it is a resumption once a cursor is known.
    resuming = position !== undefined;
    const delayMs = backoffDelayMs(failures, options.retry, error.retryAfterSeconds, options.random);
    options.onReconnect?.({ attempt: failures, delayMs, error });
    await sleep(delayMs, signal);
  }
}

/** One request retried as the loop retries a session; for reads between events (watchOrder) and sends (chat). */
export async function retrying<T>(attempt: () => Promise<T>, options: Pick<ResumeOptions, 'signal' | 'retry' | 'onReconnect' | 'random'>): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await attempt();
    } catch (failure) {
      const error = asClientError(failure);
      if (options.signal.aborted || !error.retryable || failures >= (options.retry?.maxAttempts ?? Infinity)) throw error;
      const delayMs = backoffDelayMs(failures, options.retry, error.retryAfterSeconds, options.random);
      options.onReconnect?.({ attempt: failures, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}
