/**
 * Sends one webhook attempt over a shared keep-alive pool, safely: the address actually connected
 * to is checked (so DNS rebinding fails), redirects are never followed, the whole attempt has a
 * deadline, and no more than a capped amount of the answer is read.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { addressProblem, literalAddress, literalTargetProblem, privateTargetMessage, targetUrlProblem } from '../../core/core.ts';

export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Cuts the attempt short (the node is stopping). */
  signal?: AbortSignal;
}

export interface DeliveryOutcome {
  /** The HTTP status, null when no response arrived. */
  status: number | null;
  /** From sending to the response headers, or to the failure. */
  latencyMs: number;
  /** 2xx only, and the answer arrived within the deadline; 3xx is a failure and is never followed. */
  ok: boolean;
  /** Null when ok; otherwise a short reason ('HTTP 500', 'timed out after 15000 ms', the private-target refusal, …). */
  error: string | null;
  /** The first 1024 characters of the response body as text; '' if none. */
  excerpt: string;
  /** Retry-After (delta-seconds or HTTP-date) in ms, not capped here; null if absent or unparseable. */
  retryAfterMs: number | null;
  /** The receiver answered 410: it wants no more deliveries. */
  gone: boolean;
}

export interface SenderOptions {
  /** The whole attempt: connect, response headers and body read. Callers default it to 15 000 ms. */
  timeoutMs: number;
  /** Reading stops (and the connection is dropped) past this many body bytes. Callers default it to 65 536. */
  maxResponseBytes: number;
  /** BISTRO_WEBHOOK_ALLOW_PRIVATE: lifts the public-address rule, for development. */
  allowPrivate: boolean;
  /** The resolver, with node:dns lookup's signature; tests pass a stub. @default dns.lookup */
  lookup?: LookupFunction;
  /** Keep-alive sockets per origin. @default 16 */
  connections?: number;
  /** The clock Retry-After dates are measured from. @default Date.now */
  now?: () => number;
}

export interface Sender {
  /** Sends one attempt. Never rejects: every failure is an outcome. */
  send: (request: DeliveryRequest) => Promise<DeliveryOutcome>;
  /** Closes the pool once the attempts in flight end. */
  close: () => Promise<void>;
}

const excerptChars = 1024;
/** UTF-8 takes at most 4 bytes a character, so this many bytes always hold the excerpt. */
const excerptBytes = excerptChars * 4;

/** A refusal of the address a name resolved to, raised inside the connection's lookup. */
class PrivateTargetError extends Error {
  readonly code = 'EBISTROPRIVATE';
}

/** The deadline's abort reason, told apart from any other abort. */
class AttemptTimeout extends Error {}

const defaultLookup = dnsLookup as LookupFunction;

/** Why every address `hostname` resolves to cannot be called, or undefined when all are public. */
function resolvedProblem(hostname: string, addresses: readonly LookupAddress[]): string | undefined {
  for (const { address } of addresses) {
    const range = addressProblem(address);
    if (range !== undefined) return privateTargetMessage(`${hostname} (${address})`, range);
  }
  return undefined;
}

/** A lookup that refuses private answers, so the connection goes only where the rule allows. */
function guardLookup(inner: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    inner(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const all = Array.isArray(address) ? address : [{ address, family: family ?? 0 }];
      const problem = resolvedProblem(hostname, all);
      if (problem !== undefined) return callback(new PrivateTargetError(problem), address, family);
      callback(null, address, family);
    });
  };
}

function lookupAll(lookup: LookupFunction, hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all: true }, (error, address, family) => {
      if (error) reject(error);
      else resolve(Array.isArray(address) ? address : [{ address, family: family ?? 0 }]);
    });
  });
}

/**
 * The registration-time check: the URL rules, then the literal address or every address the host
 * resolves to (unless private targets are allowed). Returns the problem, or undefined.
 * Connecting checks again, against what the name resolves to then.
 */
export async function checkTarget(url: string, options: { allowPrivate: boolean; lookup?: LookupFunction }): Promise<string | undefined> {
  const problem = targetUrlProblem(url);
  if (problem !== undefined) return problem;
  if (options.allowPrivate) return undefined;
  const parsed = new URL(url);
  if (literalAddress(parsed.hostname) !== undefined) return literalTargetProblem(parsed);
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(options.lookup ?? defaultLookup, parsed.hostname);
  } catch (error) {
    return `cannot resolve host ${parsed.hostname}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  if (addresses.length === 0) return `cannot resolve host ${parsed.hostname}: no addresses`;
  return resolvedProblem(parsed.hostname, addresses);
}

/** Retry-After as delta-seconds or an HTTP-date, in ms from `now`; null when absent or unreadable (RFC 9110 §10.2.3). */
function retryAfter(value: string | string[] | undefined, now: number): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return null;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The innermost cause worth naming, looking through undici's wrappers. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth++) {
    if (current instanceof PrivateTargetError) break;
    current = current.cause;
  }
  return current;
}

const errorsByCode: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
  ENOTFOUND: 'cannot resolve host',
  EAI_AGAIN: 'cannot resolve host (temporary DNS failure)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof AttemptTimeout) return `timed out after ${timeoutMs} ms`;
  const cause = rootCause(error);
  if (cause instanceof PrivateTargetError || error instanceof PrivateTargetError) return (cause as Error).message;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && errorsByCode[code] !== undefined) return errorsByCode[code];
  const message = cause instanceof Error ? cause.message : String(cause);
  return (code ? `${code}: ${message}` : message).slice(0, 200);
}

export function createSender({ timeoutMs, maxResponseBytes, allowPrivate, lookup = defaultLookup, connections = 16, now = Date.now }: SenderOptions): Sender {
  const agent = new Agent({
    connections,
    // One request at a time per socket: a slow answer never holds up a delivery queued behind it on the same socket.
    pipelining: 1,
    // undici's own timers back up the attempt deadline, which is what the outcome reports.
    headersTimeout: timeoutMs + 1000,
    bodyTimeout: timeoutMs + 1000,
    connect: {
      timeout: timeoutMs,
      // Literal IPs never reach a lookup (net.connect skips it), so send() checks those itself.
      lookup: allowPrivate ? lookup : guardLookup(lookup),
    },
  });

  async function send({ url, headers, body, signal }: DeliveryRequest): Promise<DeliveryOutcome> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const failure = (error: string, status: number | null = null): DeliveryOutcome => ({ status, latencyMs: elapsed(), ok: false, error, excerpt: '', retryAfterMs: null, gone: false });
    const urlProblem = targetUrlProblem(url);
    if (urlProblem !== undefined) return failure(urlProblem);
    if (!allowPrivate) {
      const problem = literalTargetProblem(new URL(url));
      if (problem !== undefined) return failure(problem);
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new AttemptTimeout()), timeoutMs);
    let outcome: DeliveryOutcome | undefined;
    try {
      const response = await request(url, { dispatcher: agent, method: 'POST', headers, body, signal: signal ? AbortSignal.any([deadline.signal, signal]) : deadline.signal });
      const status = response.statusCode;
      outcome = {
        status,
        latencyMs: elapsed(),
        ok: status >= 200 && status < 300,
        error: status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP ${status}`,
        excerpt: '',
        retryAfterMs: retryAfter(response.headers['retry-after'], now()),
        gone: status === 410,
      };
      // Keep the head of the answer for the log; count the rest only so a small answer is read to its
      // end (the socket then goes back to the pool) and a huge one is cut off at the cap.
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let readBytes = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (keptBytes < excerptBytes) {
          kept.push(chunk);
          keptBytes += chunk.length;
        }
        readBytes += chunk.length;
        if (readBytes > maxResponseBytes) {
          // Dropping the unread rest closes the connection: the pool never sees a half-read socket.
          response.body.destroy();
          break;
        }
      }
      // undici ends the body a moment before the pool marks the socket free; a request sent in that
      // moment opens another connection, so sequential sends would use two sockets instead of one.
      await nextTurn();
      outcome.excerpt = [...Buffer.concat(kept).subarray(0, excerptBytes).toString('utf8')].slice(0, excerptChars).join('');
      return outcome;
    } catch (error) {
      const reason = deadline.signal.aborted ? `timed out after ${timeoutMs} ms` : signal?.aborted ? 'cut short: the node is stopping' : describe(error, timeoutMs);
      // A body that failed mid-read keeps the status and latency it had; the attempt still failed.
      return outcome ? { ...outcome, ok: false, error: reason } : failure(reason);
    } finally {
      clearTimeout(timer);
    }
  }

  return { send, close: () => agent.close() };
}
