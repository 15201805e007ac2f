/**
 * Rings the bells: drains core's delivery queue on this node. Each pass records the attempts that
 * ended, queues what the endpoints have not had yet, and leases what is due. Each endpoint has a
 * lane: at most `endpointConcurrency` attempts in flight (so one slow or dead receiver holds a few
 * slots and every other endpoint keeps its pace) and as many leased deliveries waiting behind
 * them, so a finished attempt is replaced at once and a pass refills a lane only when it is half
 * empty: one pass, one COMMIT, for several deliveries. Commits on this node wake it at once; a
 * slow timer catches the rest (retries coming due, leases lapsed on a dead node, deliveries queued
 * elsewhere).
 */
import { randomBytes } from 'node:crypto';
import { BistroError, signingSecrets, type ClaimedDelivery, type Core, type FinishedAttempt } from '../../core/core.ts';
import type { createSender } from './sender.ts';
import { webhookHeaders } from './signature.ts';

/**
 * A lane holds this many times its in-flight limit: the attempts out and the leased deliveries
 * waiting behind them. Deeper lanes mean fewer passes per delivery (one COMMIT refills half a lane)
 * but longer leases, since a delivery may wait `laneDepth - 1` attempt timeouts before its own.
 */
export const laneDepth = 4;

const timerMarginMs = 2;

export interface WebhookWorkerOptions {
  sender: ReturnType<typeof createSender>;
  /** Deliveries in flight at once from this node. */
  concurrency: number;
  /** Deliveries in flight at once to one endpoint. */
  endpointConcurrency: number;
  /** How long a claim holds; past it another worker may take the delivery. Longer than waiting in a lane and one attempt may take. */
  leaseMs: number;
  /** Longest sleep between passes when nothing wakes the worker. @default 1000 ms */
  idleMs?: number;
  /** Longest an ended attempt waits to be recorded while its endpoint's other attempts are out. @default 20 ms */
  settleDelayMs?: number;
  logError: (error: unknown, where: string) => void;
  /**
   * Told of every attempt that ended, with the request that caused its delivery as `reqId` (the key
   * Fastify's request log lines use), so one id finds the request and the bells it rang.
   */
  logAttempt?: (fields: AttemptLogFields, ok: boolean) => void;
}

export interface AttemptLogFields {
  reqId: string | null;
  deliveryId: string;
  endpointId: string;
  eventId: string;
  attempt: number;
  status: number | null;
  latencyMs: number;
  error: string | null;
}

export interface WebhookWorker {
  start(): void;
  /** Stops claiming, cuts the attempts in flight short and gives their deliveries back. */
  stop(): Promise<void>;
}

export function createWebhookWorker(core: Core, { sender, concurrency, endpointConcurrency, leaseMs, idleMs = 1000, settleDelayMs = 20, logError, logAttempt }: WebhookWorkerOptions): WebhookWorker {
  const owner = `wkr_${randomBytes(8).toString('hex')}`;
  const inFlight = new Map<string, { delivery: ClaimedDelivery; abort: AbortController; done: Promise<void> }>();
  /** Per endpoint: how many attempts are out, and the leased deliveries waiting for a slot. */
  const lanes = new Map<string, { sending: number; waiting: ClaimedDelivery[] }>();
  /** Deliveries leased here: in flight and waiting. */
  let held = 0;
  /** Attempts that ended and wait for the next pass to record them, all in one transaction. */
  let finished: FinishedAttempt[] = [];
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let settleTimer: NodeJS.Timeout | undefined;
  let removeListener: (() => void) | undefined;

  function wake(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass().finally(() => {
      running = undefined;
      // A wake that came while the pass was finishing (after its last loop check) must not wait for the timer.
      if (again) wake();
    });
  }

  /** Ended attempts are recorded within this long even while their endpoint's other slots stay busy. */
  function settleSoon(): void {
    if (settleTimer === undefined) {
      settleTimer = setTimeout(() => {
        settleTimer = undefined;
        wake();
      }, settleDelayMs).unref();
    }
  }

  function sleep(ms: number): void {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(wake, Math.max(0, Math.min(ms, idleMs))).unref();
  }

  async function pass(): Promise<void> {
    clearTimeout(timer);
    try {
      do {
        again = false;
        let room = laneDepth * concurrency - held;
        // Records and new deliveries first, started together (one COMMIT on SQLite), so the claim
        // that follows sees both: a retry already due, and what was just queued.
        await Promise.all([settleFinished(), core.webhooks.queueNew()]);
        const claimed =
          room <= 0
            ? []
            : await core.webhooks.claim(owner, leaseMs, room, (endpointId) => {
                const lane = lanes.get(endpointId);
                const take = Math.max(0, Math.min(room, laneDepth * endpointConcurrency - (lane ? lane.sending + lane.waiting.length : 0)));
                room -= take;
                return take;
              });
        if (stopped) await core.webhooks.release(claimed.map(({ id }) => id), owner);
        else admit(claimed);
      } while (again && !stopped);
      // Sleep until the next due time. Something already due that this pass did not claim waits
      // for a full lane here to free up (its attempts ending wake us) or for another node's
      // lease: asking again at once would spin.
      const wait = ((await core.webhooks.nextDue()) ?? Infinity) - core.clock().getTime();
      // Timers keep their own clock and may fire a millisecond before the wall clock reaches the
      // due time; the margin keeps that from turning into a miss and a whole idle sleep.
      sleep(wait <= 0 ? idleMs : wait + timerMarginMs);
    } catch (error) {
      logError(error, 'webhook worker');
      sleep(idleMs);
    }
  }

  async function settleFinished(): Promise<void> {
    const batch = finished;
    finished = [];
    try {
      await core.webhooks.settle(batch, owner);
    } catch (error) {
      // The database is away for now: keep the records for the next pass (which comes within
      // idleMs), so the deliveries are not sent again once it answers. Their leases still hold
      // them; should this node die first, the leases lapse and another pass sends them again.
      if (error instanceof BistroError && error.code === 'unavailable') finished = batch.concat(finished);
      else logError(error, 'webhook worker: recording attempts');
    }
  }

  function laneOf(endpointId: string) {
    let lane = lanes.get(endpointId);
    if (!lane) lanes.set(endpointId, (lane = { sending: 0, waiting: [] }));
    return lane;
  }

  function admit(claimed: readonly ClaimedDelivery[]): void {
    held += claimed.length;
    for (const delivery of claimed) laneOf(delivery.endpointId).waiting.push(delivery);
    for (const endpointId of new Set(claimed.map(({ endpointId }) => endpointId))) fill(endpointId);
  }

  /** Sends what waits in the lane while it and the node have free slots. */
  function fill(endpointId: string): void {
    const lane = lanes.get(endpointId);
    while (lane && lane.sending < endpointConcurrency && inFlight.size < concurrency) {
      const next = lane.waiting.shift();
      if (!next) break;
      send(next, lane);
    }
  }

  function send(delivery: ClaimedDelivery, lane: { sending: number; waiting: ClaimedDelivery[] }): void {
    const abort = new AbortController();
    lane.sending++;
    const full = inFlight.size + 1 >= concurrency;
    const done = attempt(delivery, abort.signal).finally(() => {
      inFlight.delete(delivery.id);
      lane.sending--;
      held--;
      if (stopped) return;
      fill(delivery.endpointId);
      // The node was at its limit: other lanes may have been waiting for this slot.
      if (full) for (const endpointId of lanes.keys()) fill(endpointId);
      const left = lane.sending + lane.waiting.length;
      if (left === 0) lanes.delete(delivery.endpointId);
      // Refill a lane once it is half empty, not slot by slot: one pass (one COMMIT) then records
      // and replaces several attempts. A short timer records the rest soon anyway.
      if (left <= (laneDepth * endpointConcurrency) / 2) wake();
      else settleSoon();
    });
    inFlight.set(delivery.id, { delivery, abort, done });
  }

  async function attempt(delivery: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const at = core.clock();
    const headers = webhookHeaders(signingSecrets(delivery.secrets, at), delivery.eventId, Math.floor(at.getTime() / 1000), delivery.payload);
    const outcome = await sender.send({ url: delivery.url, headers, body: delivery.payload, signal });
    // Cut short by a stop: not the receiver's failure, so no attempt is counted (stop gives it back).
    if (signal.aborted) return;
    finished.push({ delivery, outcome: { ...outcome, at } });
    const { id: deliveryId, endpointId, eventId, requestId } = delivery;
    const { status, latencyMs, error } = outcome;
    logAttempt?.({ reqId: requestId, deliveryId, endpointId, eventId, attempt: delivery.attempts + 1, status, latencyMs: Math.round(latencyMs), error }, outcome.ok);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      // Every commit on this node may have made something to deliver (an event, a test ping, a replay).
      removeListener = core.onCommit(wake);
      wake();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(settleTimer);
      removeListener?.();
      await running;
      const cut = [...inFlight.values()];
      for (const { abort } of cut) abort.abort();
      await Promise.all(cut.map(({ done }) => done));
      await settleFinished();
      const waiting = [...lanes.values()].flatMap((lane) => lane.waiting.splice(0));
      lanes.clear();
      await core.webhooks.release(
        [...cut, ...waiting.map((delivery) => ({ delivery }))].map(({ delivery }) => delivery.id),
        owner,
      );
    },
  };
}
