/**
 * The bell as a resource (DESIGN.md §7): a principal registers endpoints for event types and
 * reads what happened to each delivery. Endpoints are their owner's alone (admins see all);
 * what an endpoint receives is what its owner may see, by the one visibility rule.
 */
import { Type } from '@sinclair/typebox';
import type { EventType } from '../domain/events.ts';
import { BistroError, invalid } from '../domain/errors.ts';
import { webhookTestType, type StoredEndpoint, type WebhookSecret } from '../domain/webhook.ts';
import { parseCursor } from '../core/cursor.ts';
import { eventSource } from '../core/invoke.ts';
import { readEvents } from '../core/feed.ts';
import { newWebhookSecret } from '../core/ids.ts';
import { defineOperation, signedIn, type CheckContext, type OperationContext } from '../core/operation.ts';
import { deliveriesOf, endpointOwner, publicEndpoint } from '../core/webhook-queue.ts';
import { checkIdCursor, keysetPage } from './keyset-page.ts';
import { Cursor, Id, Limit, Page, Strict, WebhookDelivery, WebhookEndpoint, WebhookEventTypes, WebhookUrl } from './schemas.ts';

/** Enough for every pattern a guest might try at once; more is a runaway script. */
export const maxEndpointsPerOwner = 20;
/** Events one replay call queues; the answer says where to go on from. */
export const replayBatch = 1000;
const day = 24 * 60 * 60;

const WithSecret = Strict(
  { ...WebhookEndpoint.properties, secret: Type.String({ description: 'Shown only in this answer: keep it to verify the signatures (whsec_…).' }) },
  { title: 'WebhookEndpointWithSecret' },
);

/** Another principal's endpoint does not exist for you, as with orders: nothing leaks. */
/** `forChange`: a command's read, which locks the endpoint before any of its deliveries (the order a delete takes them in). */
async function loadOwnEndpoint({ store, principal }: OperationContext, id: string, { forChange = false } = {}): Promise<StoredEndpoint> {
  const endpoint = await store.webhooks.get(id, { lock: forChange });
  if (!endpoint || (principal.role !== 'admin' && endpoint.ownerId !== principal.id)) throw new BistroError('not_found', `No webhook endpoint "${id}".`);
  return endpoint;
}

/** Outbound safety at registration: run as the operation's `check`, outside its transaction (it may resolve a name). */
async function checkUrl(context: CheckContext, { url }: { url?: string | undefined }): Promise<void> {
  if (url === undefined) return;
  const problem = await context.targetProblem(url);
  if (problem !== undefined) throw invalid('/url', problem);
}

function checkEnabled(endpoint: StoredEndpoint): void {
  if (!endpoint.enabled) throw new BistroError('webhook_disabled', `Webhook endpoint ${endpoint.id} is disabled (${endpoint.disabledReason ?? 'no reason given'}): enable it first with PATCH {"enabled": true}.`);
}

const unique = (types: readonly EventType[]): EventType[] => [...new Set(types)];

export const createWebhook = defineOperation({
  name: 'webhooks.create',
  summary: 'Register a webhook endpoint: Bistro rings it, signed, when the chosen events happen',
  kind: 'command',
  input: Strict({ url: WebhookUrl, types: WebhookEventTypes, description: Type.Optional(Type.String({ maxLength: 200 })) }),
  output: WithSecret,
  roles: signedIn,
  errors: ['quota_exceeded'],
  rest: { method: 'POST', path: '/webhooks', status: 201, location: (endpoint: { id: string }) => `/webhooks/${endpoint.id}` },
  graphql: { field: 'createWebhook', input: { type: 'CreateWebhookInput' } },
  check: checkUrl,
  async handler(context, { url, types, description = '' }) {
    const { principal, store } = context;
    const owned = await store.webhooks.list({ ownerId: principal.id, limit: maxEndpointsPerOwner });
    if (owned.length >= maxEndpointsPerOwner) throw new BistroError('quota_exceeded', `You have ${maxEndpointsPerOwner} webhook endpoints already: delete one first.`);
    const secret = newWebhookSecret();
    const endpoint: StoredEndpoint = {
      id: context.newId('whe'),
      url,
      types: unique(types),
      description,
      enabled: true,
      disabledReason: null,
      ownerId: principal.id,
      ownerRole: principal.role as StoredEndpoint['ownerRole'],
      secrets: [{ secret, expiresAt: null }],
      // Events from now on: the bell rings for what happens after it is handed over (replay reaches back).
      cursor: await store.events.lastSequence(),
      failingSince: null,
      createdAt: context.now,
      updatedAt: context.now,
    };
    await store.webhooks.insert(endpoint);
    return { ...publicEndpoint(endpoint), secret };
  },
});

export const listWebhooks = defineOperation({
  name: 'webhooks.list',
  summary: 'List your webhook endpoints (an admin: everyone\'s), newest first',
  kind: 'query',
  input: Strict({ limit: Limit, cursor: Type.Optional(Cursor) }),
  output: Page(WebhookEndpoint, 'WebhookEndpointPage'),
  roles: signedIn,
  rest: { method: 'GET', path: '/webhooks' },
  graphql: { field: 'webhooks' },
  async handler({ store, principal }, { limit, cursor }) {
    checkIdCursor(cursor, 'whe');
    const ownerId = principal.role === 'admin' ? undefined : principal.id;
    const endpoints = await store.webhooks.list({ ownerId, beforeId: cursor, limit: limit + 1 });
    return keysetPage(endpoints.map(publicEndpoint), limit);
  },
});

export const getWebhook = defineOperation({
  name: 'webhooks.get',
  summary: 'Read one webhook endpoint',
  kind: 'query',
  input: Strict({ id: Id }),
  output: WebhookEndpoint,
  roles: signedIn,
  rest: { method: 'GET', path: '/webhooks/{id}' },
  graphql: { field: 'webhook' },
  async handler(context, { id }) {
    return publicEndpoint(await loadOwnEndpoint(context, id));
  },
});

export const updateWebhook = defineOperation({
  name: 'webhooks.update',
  summary: 'Change a webhook endpoint: its URL, types, description, or pause and resume it',
  kind: 'command',
  input: Strict({
    id: Id,
    url: Type.Optional(WebhookUrl),
    types: Type.Optional(WebhookEventTypes),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    enabled: Type.Optional(
      Type.Boolean({ description: 'false pauses deliveries; true resumes them with the events from now on (replay reaches back to those missed).' }),
    ),
  }),
  output: WebhookEndpoint,
  roles: signedIn,
  rest: { method: 'PATCH', path: '/webhooks/{id}' },
  graphql: { field: 'updateWebhook', input: { type: 'UpdateWebhookInput', beside: ['id'] } },
  check: checkUrl,
  async handler(context, { id, url, types, description, enabled }) {
    const current = await loadOwnEndpoint(context, id, { forChange: true });
    const endpoint: StoredEndpoint = {
      ...current,
      url: url ?? current.url,
      types: types === undefined ? current.types : unique(types),
      description: description ?? current.description,
      updatedAt: context.now,
    };
    if (enabled === false && current.enabled) {
      Object.assign(endpoint, { enabled: false, disabledReason: 'paused by its owner' });
      await context.store.deliveries.park(id);
    }
    if (enabled === true && !current.enabled) {
      // Resuming does not unleash everything that happened while it was off: replay asks for that.
      // What was already queued goes out now.
      Object.assign(endpoint, { enabled: true, disabledReason: null, failingSince: null, cursor: await context.store.events.lastSequence() });
      await context.store.deliveries.unpark(id, Date.parse(context.now));
    }
    await context.store.webhooks.update(endpoint);
    return publicEndpoint(endpoint);
  },
});

export const deleteWebhook = defineOperation({
  name: 'webhooks.delete',
  summary: 'Remove a webhook endpoint, with its pending deliveries and their history',
  kind: 'command',
  input: Strict({ id: Id }),
  output: Type.Null(),
  roles: signedIn,
  rest: { method: 'DELETE', path: '/webhooks/{id}', status: 204 },
  graphql: { field: 'deleteWebhook' },
  async handler(context, { id }) {
    await loadOwnEndpoint(context, id, { forChange: true });
    await context.store.webhooks.delete(id);
    return null;
  },
});

export const rotateWebhookSecret = defineOperation({
  name: 'webhooks.rotateSecret',
  summary: 'Give a webhook endpoint a new secret; the old one keeps signing beside it for the overlap',
  kind: 'command',
  input: Strict({
    id: Id,
    overlapSeconds: Type.Integer({ minimum: 0, maximum: 7 * day, default: day, description: 'How long the old secret keeps signing beside the new one (both signatures are sent).' }),
  }),
  output: WithSecret,
  roles: signedIn,
  rest: { method: 'POST', path: '/webhooks/{id}/rotate-secret' },
  graphql: { field: 'rotateWebhookSecret' },
  async handler(context, { id, overlapSeconds }) {
    const current = await loadOwnEndpoint(context, id, { forChange: true });
    const now = Date.parse(context.now);
    const expiresAt = new Date(now + overlapSeconds * 1000).toISOString();
    const secret = newWebhookSecret();
    // Secrets already rotated out keep their own end; the current one gets the overlap; spent ones go.
    const previous = current.secrets
      .map((old): WebhookSecret => ({ secret: old.secret, expiresAt: old.expiresAt ?? expiresAt }))
      .filter((old) => old.expiresAt !== null && Date.parse(old.expiresAt) > now);
    const endpoint: StoredEndpoint = { ...current, secrets: [{ secret, expiresAt: null }, ...previous], updatedAt: context.now };
    await context.store.webhooks.update(endpoint);
    return { ...publicEndpoint(endpoint), secret };
  },
});

export const testWebhook = defineOperation({
  name: 'webhooks.test',
  summary: 'Ring a webhook endpoint once with a `webhook.test` ping (not in the event log); read its deliveries for the outcome',
  kind: 'command',
  input: Strict({ id: Id }),
  output: WebhookDelivery,
  roles: signedIn,
  errors: ['webhook_disabled'],
  rest: { method: 'POST', path: '/webhooks/{id}/test', status: 202 },
  graphql: { field: 'testWebhook' },
  async handler(context, { id }) {
    const endpoint = await loadOwnEndpoint(context, id, { forChange: true });
    checkEnabled(endpoint);
    const now = new Date(context.now);
    const ping = {
      specversion: '1.0',
      id: context.newId('evt'),
      source: eventSource,
      type: webhookTestType,
      subject: `webhooks/${id}`,
      time: context.now,
      datacontenttype: 'application/json',
      data: { endpointId: id, message: 'A test ping from Bistro: your bell rings.' },
    };
    const delivery = {
      id: context.newId('whd'),
      endpointId: id,
      eventId: ping.id,
      type: webhookTestType,
      sequence: null,
      payload: JSON.stringify(ping),
      createdAt: context.now,
      dueAt: now.getTime(),
      requestId: context.requestId ?? null,
    };
    await context.store.deliveries.insert([delivery]);
    const { id: deliveryId, eventId, type, createdAt, requestId } = delivery;
    return { id: deliveryId, endpointId: id, eventId, type, sequence: null, status: 'pending' as const, nextAttemptAt: context.now, createdAt, requestId, attempts: [] };
  },
});

export const listWebhookDeliveries = defineOperation({
  name: 'webhooks.deliveries',
  summary: 'What happened to each delivery to an endpoint, newest first, with every attempt',
  kind: 'query',
  input: Strict({ id: Id, limit: Limit, cursor: Type.Optional(Cursor) }),
  output: Page(WebhookDelivery, 'WebhookDeliveryPage'),
  roles: signedIn,
  rest: { method: 'GET', path: '/webhooks/{id}/deliveries' },
  graphql: { field: 'webhookDeliveries' },
  async handler(context, { id, limit, cursor }) {
    checkIdCursor(cursor, 'whd');
    await loadOwnEndpoint(context, id);
    return keysetPage(await context.store.deliveries.list(id, cursor, limit + 1), limit);
  },
});

export const replayWebhook = defineOperation({
  name: 'webhooks.replay',
  summary: `Deliver again the events after a cursor that the endpoint takes and its owner may see (up to ${replayBatch} a call)`,
  kind: 'command',
  input: Strict({ id: Id, after: Type.String({ maxLength: 20, description: 'An event cursor (sequence); "0" is the start of the log.' }) }),
  output: Strict(
    {
      queued: Type.Integer({ description: 'Deliveries queued by this call.' }),
      through: Type.String({ description: 'The cursor this call reached: replay again from it while `more` is true.' }),
      more: Type.Boolean(),
    },
    { title: 'WebhookReplay' },
  ),
  roles: signedIn,
  errors: ['webhook_disabled', 'resync_required'],
  rest: { method: 'POST', path: '/webhooks/{id}/replay', status: 202 },
  graphql: { field: 'replayWebhook' },
  async handler(context, { id, after }) {
    const from = parseCursor(after);
    const endpoint = await loadOwnEndpoint(context, id, { forChange: true });
    checkEnabled(endpoint);
    // Events past the endpoint's cursor are on their way already; a replay covers those before it.
    const page = await readEvents(context.store, endpointOwner(endpoint), { after: from, types: endpoint.types, limit: replayBatch });
    const events = page.items.filter((event) => Number(event.sequence) <= endpoint.cursor);
    const last = page.items.at(-1);
    const more = page.items.length === replayBatch && last !== undefined && Number(last.sequence) < endpoint.cursor;
    await context.store.deliveries.insert(deliveriesOf(endpoint, events, new Date(context.now), () => context.requestId ?? null));
    return { queued: events.length, through: more ? (last?.sequence ?? after) : String(Math.max(from, endpoint.cursor)), more };
  },
});

export const webhookOperations = [
  createWebhook,
  listWebhooks,
  getWebhook,
  updateWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  testWebhook,
  listWebhookDeliveries,
  replayWebhook,
] as const;
