/** Given/when steps the REST suites share: placing and moving orders, reading the whole log, checking a problem answer. */
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish, type TestNode, type TestResponse } from '../helpers/node.ts';

/** Places an order as `token` and returns it; anything but 201 fails the test. */
export async function placeOrder(node: TestNode, token: string, items: unknown[] = [fishAndChipsNoSaltTwoFish]) {
  const response = await node.request('/orders', { token, json: { items } });
  assert.equal(response.status, 201, response.text);
  return response.body;
}

/** Moves an order through `statuses` one PUT at a time as staff; returns the order after the last move. */
export async function moveOrder(node: TestNode, staffToken: string, id: string, ...statuses: string[]) {
  let order: unknown;
  for (const status of statuses) {
    const response = await node.request(`/orders/${id}/status`, { method: 'PUT', token: staffToken, json: { status } });
    assert.equal(response.status, 200, `${status}: ${response.text}`);
    order = response.body;
  }
  return order as { id: string; status: string; version: number };
}

/** Every event `token` may see after `after`, following nextCursor page by page. */
export async function readAllEvents(node: TestNode, token: string | undefined, { after = '0', query = '', limit = 500 } = {}) {
  const events = [];
  let cursor = after;
  for (;;) {
    const response = await node.request(`/events?after=${cursor}&limit=${limit}${query}`, token ? { token } : {});
    assert.equal(response.status, 200, response.text);
    if (response.body.items.length === 0) {
      assert.equal(response.body.nextCursor, cursor, 'an empty page keeps the cursor');
      return events;
    }
    events.push(...response.body.items);
    cursor = response.body.nextCursor;
  }
}

/** The sequence of the newest event now: a cursor to read only what a test does next. */
export async function currentCursor(node: TestNode): Promise<string> {
  const events = await readAllEvents(node, node.adminToken);
  return events.at(-1)?.sequence ?? '0';
}

/** Asserts an RFC 9457 problem with this status and code, and (optionally) a field error at `pointer`. */
export function assertProblem(response: TestResponse, status: number, code: string, pointer?: string): void {
  assert.equal(response.status, status, response.text);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(response.body.code, code);
  assert.equal(response.body.status, status);
  assert.equal(typeof response.body.title, 'string');
  assert.equal(typeof response.body.detail, 'string');
  if (pointer !== undefined) {
    const pointers = (response.body.errors ?? []).map((error: { pointer: string }) => error.pointer);
    assert.ok(pointers.includes(pointer), `expected a field error at "${pointer}", got ${JSON.stringify(pointers)}`);
  }
}
