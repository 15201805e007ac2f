/**
 * The bell (DESIGN.md §7): an endpoint a principal registers, the deliveries of events to it, and
 * the retry policy. Pure: the queue, the worker and the sender apply these rules.
 */
import { eventTypes, type EventType } from './events.ts';
import type { Role } from './roles.ts';

/** What an endpoint may subscribe to: every event a client can see (key revocations are the nodes' own business). */
export const webhookEventTypes = eventTypes.filter((type) => type !== 'key.revoked');

/** The type of the ping `POST /webhooks/{id}/test` sends: never in the log, never subscribed to. */
export const webhookTestType = 'webhook.test';

export interface WebhookEndpoint {
  id: string;
  url: string;
  types: EventType[];
  description: string;
  /** False once disabled, by its owner or by Bistro (410 Gone, failing too long); `disabledReason` says why. */
  enabled: boolean;
  disabledReason: string | null;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookSecret {
  secret: string;
  /** When a rotated-out secret stops signing; null for the current one. */
  expiresAt: string | null;
}

/** An endpoint as the store keeps it: the public view and what only Bistro reads. */
export interface StoredEndpoint extends WebhookEndpoint {
  ownerRole: Exclude<Role, 'anonymous'>;
  secrets: WebhookSecret[];
  /** The log position up to which the endpoint's events are queued. */
  cursor: number;
  /** The first failure since the last success, or null: how long it has been failing. */
  failingSince: string | null;
}

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One try to ring the bell (DESIGN.md §5). `response` is a bounded excerpt of what the receiver answered. */
export interface DeliveryAttempt {
  id: string;
  eventId: string;
  attempt: number;
  responseStatus: number | null;
  latencyMs: number;
  error: string | null;
  response: string;
  at: string;
  /** The request that caused the delivery (its event's `x-request-id`), when one did. */
  requestId: string | null;
}

/** One event on its way to one endpoint; `eventId` is the `webhook-id` of every attempt. */
export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  type: string;
  /** The event's log position; null for a test ping, which is not in the log. */
  sequence: string | null;
  status: DeliveryStatus;
  /** When the next attempt is due, while pending. */
  nextAttemptAt: string | null;
  createdAt: string;
  /** The request that caused it: its event's, or the test ping's or replay's own. */
  requestId: string | null;
  attempts: DeliveryAttempt[];
}

/** The secrets that sign now: the current one and those rotated out less than their overlap ago. */
export function signingSecrets(secrets: readonly WebhookSecret[], now: Date): string[] {
  return secrets.filter(({ expiresAt }) => expiresAt === null || Date.parse(expiresAt) > now.getTime()).map(({ secret }) => secret);
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** Delays before each attempt: the first at once, then backing off to hours (Standard Webhooks' own schedule). */
export const defaultRetrySchedule: readonly number[] = [0, 5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 10 * hour];

const units: Record<string, number> = { ms: 1, s: second, m: minute, h: hour, d: 24 * hour };

/** Parses `0,5s,5m,30m,2h` (a bare number is milliseconds); throws on anything else. */
export function parseDurations(text: string): number[] {
  return text.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)(ms|s|m|h|d)?\s*$/.exec(part);
    if (!match?.[1]) throw new Error(`"${part.trim()}" is not a duration such as 0, 500ms, 5s, 5m, 2h or 1d`);
    return Math.round(Number(match[1]) * units[match[2] ?? 'ms']!);
  });
}

export interface RetryPolicy {
  /** Delay before attempt n+1 is schedule[n]; the attempts end with the schedule. */
  schedule: readonly number[];
  /** Longest `Retry-After` honoured. */
  retryAfterCapMs: number;
  /** An endpoint failing this long with no success is disabled. */
  disableAfterMs: number;
}

/** DESIGN.md §7: the schedule above, `Retry-After` honoured up to an hour, disabled after five days of failures. */
export const defaultRetryPolicy: RetryPolicy = { schedule: defaultRetrySchedule, retryAfterCapMs: hour, disableAfterMs: 5 * 24 * hour };

/**
 * When to try again after `attemptsMade` attempts failed, or null when the schedule is spent. Each
 * delay is spread by ±20% so endpoints that failed together do not all come back at once.
 * `Retry-After` can only lengthen the wait, never past the cap.
 */
export function nextAttemptDelay(policy: RetryPolicy, attemptsMade: number, retryAfterMs: number | null, random: () => number = Math.random): number | null {
  const planned = policy.schedule[attemptsMade];
  if (planned === undefined) return null;
  const jittered = Math.round(planned * (0.8 + 0.4 * random()));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.retryAfterCapMs));
}

/** 600 ms, 5 s, 30 min, 2 h, 5 days: the largest unit the duration fills at least once. */
export function humanDuration(ms: number): string {
  const day = 24 * hour;
  if (ms >= 2 * day) return `${Math.round(ms / day)} days`;
  if (ms >= hour) return `${Math.round(ms / hour)} h`;
  if (ms >= minute) return `${Math.round(ms / minute)} min`;
  if (ms >= second) return `${Math.round(ms / second)} s`;
  return `${ms} ms`;
}

/** What a failed attempt does to its endpoint: nothing yet, or why it is now disabled. */
export function disableReason(policy: RetryPolicy, failingSince: string | null, now: Date, gone: boolean): string | null {
  if (gone) return 'the receiver answered 410 Gone';
  if (failingSince !== null && now.getTime() - Date.parse(failingSince) >= policy.disableAfterMs) {
    return `every delivery failed for ${humanDuration(policy.disableAfterMs)}`;
  }
  return null;
}
