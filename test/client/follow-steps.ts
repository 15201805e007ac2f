/** Steps the client's push tests share: reading an iterator within a time limit, and moving an order along. */
import assert from 'node:assert/strict';
import type { CloudEvent } from '../../client/types.ts';
import type { NodeClient } from '../helpers/node.ts';
import { fishAndChipsNoSaltTwoFish } from '../helpers/node.ts';

export const pushPatterns = ['poll', 'long-poll', 'sse', 'ws', 'graphql-ws'] as const;

/** Reads `iterator` until `done` holds for what it yielded; fails after `timeoutMs`. Leaves the iterator open. */
export async function readUntil<T>(iterator: AsyncIterator<T>, done: (seen: T[]) => boolean, timeoutMs: number, what: string): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!done(seen)) {
    const left = deadline - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, left))));
    const step = await Promise.race([iterator.next(), late]).finally(() => clearTimeout(timer));
    assert.notEqual(step, 'late', `${what}: only ${seen.length} values within ${timeoutMs} ms: ${JSON.stringify(seen.map((value) => (value as Partial<CloudEvent>).sequence ?? value))}`);
    if (step === 'late' || step.done) assert.fail(`${what}: the iterator ended after ${seen.length} values`);
    seen.push(step.value);
  }
  return seen;
}

/** The last sequence of the log as `token` sees it: where "from now" starts. */
export async function logEnd(node: NodeClient, token: string): Promise<string> {
  let cursor = '0';
  for (let page = 0; page < 1000; page++) {
    const answer = await node.request(`/events?after=${cursor}&limit=500`, { token });
    assert.equal(answer.status, 200, `GET /events: ${answer.text}`);
    cursor = answer.body.nextCursor as string;
    if ((answer.body.items as unknown[]).length < 500) return cursor;
  }
  assert.fail('the log did not end within 1000 pages');
}

/** Every event `token` may see after `after`, from GET /events. */
export async function readLog(node: NodeClient, token: string, after = '0', types?: readonly string[]): Promise<CloudEvent[]> {
  const events: CloudEvent[] = [];
  let cursor = after;
  for (let page = 0; page < 1000; page++) {
    const answer = await node.request(`/events?after=${cursor}&limit=500${types ? `&types=${types.join(',')}` : ''}`, { token });
    assert.equal(answer.status, 200, `GET /events: ${answer.text}`);
    events.push(...(answer.body.items as CloudEvent[]));
    cursor = answer.body.nextCursor as string;
    if ((answer.body.items as unknown[]).length < 500) return events;
  }
  assert.fail('the log did not end within 1000 pages');
}

export async function placeOrder(node: NodeClient, guestToken: string): Promise<string> {
  const placed = await node.request('/orders', { token: guestToken, json: { items: [fishAndChipsNoSaltTwoFish] } });
  assert.equal(placed.status, 201, `place an order: ${placed.text}`);
  return placed.body.id as string;
}

export async function moveOrder(node: NodeClient, staffToken: string, orderId: string, status: string): Promise<void> {
  const moved = await node.request(`/orders/${orderId}/status`, { method: 'PUT', token: staffToken, json: { status } });
  assert.equal(moved.status, 200, `move ${orderId} to ${status}: ${moved.text}`);
}

export const sequencesOf = (events: readonly CloudEvent[]) => events.map((event) => event.sequence);
