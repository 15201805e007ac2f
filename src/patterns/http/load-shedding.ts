/**
 * Load shedding: past a number of requests in flight, or while the event loop lags, a new request
 * is answered 503 `overloaded` with Retry-After at once, which costs a fraction of serving it, so
 * the requests already taken finish in time instead of everyone waiting behind a growing queue.
 * Probes and metrics are never refused: an orchestrator must see the node alive, not "down".
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BistroError } from '../../core/core.ts';
import { asksToWait } from './http-rules.ts';
import { sendProblem } from './problem.ts';

export interface LoadSheddingOptions {
  /** Requests answered at once past which new ones are refused; 0: no cap. */
  maxInFlight: number;
  /** Mean event-loop delay over the last sample past which new requests are refused; 0: not watched. */
  maxEventLoopDelayMs: number;
}

/** Paths answered whatever the load. */
const neverShed = new Set(['/healthz', '/readyz', '/metrics']);

/** How often the event-loop delay is read (and its histogram started afresh): a lag is noticed, and forgotten, within this. */
const sampleMs = 250;
/** The histogram's own timer; its period is subtracted from what it measures. */
const resolutionMs = 10;

/**
 * Requests held open by design (a long poll, an event stream) do not count as in flight: a
 * thousand parked clients cost no work until their event comes.
 */
function isHeld(request: FastifyRequest): boolean {
  return (request.method === 'GET' && request.url.startsWith('/events/stream')) || asksToWait(request);
}

const retryAfterSeconds = '1';

export function registerLoadShedding(app: FastifyInstance, { maxInFlight, maxEventLoopDelayMs }: LoadSheddingOptions): void {
  if (maxInFlight === 0 && maxEventLoopDelayMs === 0) return;
  let inFlight = 0;
  let lagging = false;
  if (maxEventLoopDelayMs > 0) {
    const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    histogram.enable();
    const timer = setInterval(() => {
      // The mean, not the maximum: one garbage collection or one slow request is no reason to refuse anyone.
      lagging = histogram.count > 0 && histogram.mean / 1e6 - resolutionMs > maxEventLoopDelayMs;
      histogram.reset();
    }, sampleMs).unref();
    app.addHook('onClose', (_app, done) => {
      clearInterval(timer);
      histogram.disable();
      done();
    });
  }

  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (neverShed.has(path)) return done();
    if (lagging || (maxInFlight > 0 && inFlight >= maxInFlight)) {
      reply.header('retry-after', retryAfterSeconds);
      sendProblem(reply, new BistroError('overloaded', lagging ? 'The server is too busy to answer in time; try again shortly.' : `More than ${maxInFlight} requests are being answered; try again shortly.`));
      return;
    }
    if (maxInFlight === 0 || isHeld(request)) return done();
    inFlight++;
    // Either way the request ends (answered, or its client gone), the place is given back exactly once.
    let counted = true;
    const release = () => {
      if (counted) inFlight--;
      counted = false;
    };
    reply.raw.once('finish', release);
    reply.raw.once('close', release);
    done();
  });
}
