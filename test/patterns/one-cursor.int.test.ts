/**
 * One cursor works in every pattern: a client reads a page over REST, continues over the
 * WebSocket from its cursor, over long polling from the last pushed event, over SSE with
 * `Last-Event-ID` and over a GraphQL subscription, while writers keep committing. Together the
 * legs are exactly the log: in order, with no gap and no repeat.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { graphqlEvents, longPollEvents, openRpcSocket, sseEvents, type PushedEvent } from '../helpers/push-clients.ts';
import { moveOrder, placeOrder, readAllEvents } from '../rest/steps.ts';

let node: TestNode;
let waiter: string;
before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
});
after(() => node.close());

/** Guests placing orders and staff moving them, until stopped: events keep arriving during every leg. */
function startWriters(count: number): { stop(): Promise<void> } {
  let running = true;
  const writers = Array.from({ length: count }, async (_, index) => {
    const guest = await node.guest(index + 1, `Writer ${index}`);
    while (running) {
      const order = await placeOrder(node, guest.token);
      await moveOrder(node, waiter, order.id, 'accepted');
      await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: { text: 'Still hungry.' } });
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(writers);
    },
  };
}

const last = (events: PushedEvent[], leg: string): string => {
  const event = events.at(-1);
  assert.ok(event, `the ${leg} leg received events`);
  return event.sequence;
};

for (const who of ['staff', 'guest'] as const) {
  test(`one cursor across REST, WebSocket, long polling, SSE and GraphQL, with writers committing (${who})`, async () => {
    const guest = await node.guest(9, 'Cursor');
    const token = who === 'staff' ? waiter : guest.token;
    const writers = startWriters(3);
    // The guest's own activity, so the guest's view of the log keeps growing too.
    const own = setInterval(() => void placeOrder(node, guest.token).catch(() => {}), 15);
    try {
      const first = await node.request('/events?after=0&limit=20', { token });
      assert.equal(first.status, 200, first.text);
      const rest: PushedEvent[] = first.body.items;
      const enough = (count: number) => (events: PushedEvent[]) => events.length >= count;

      const socket = await openRpcSocket(node, token);
      await socket.call('events.subscribe', { after: first.body.nextCursor });
      await socket.until('event', (events) => events.length >= 15);
      socket.close();
      await socket.closed;
      const ws = socket.notifications('event') as PushedEvent[];

      const polled = await longPollEvents(node, token, last(ws, 'WebSocket'), enough(15), { wait: 5, limit: 7 });
      const streamed = await sseEvents(node, token, last(polled, 'long-poll'), enough(15));
      const subscribed = await graphqlEvents(node, token, 'subscription ($after: String) { events(after: $after) { sequence type subject } }', { after: last(streamed, 'SSE') }, enough(15));
      clearInterval(own);
      await writers.stop();
      const tail = await readAllEvents(node, token, { after: last(subscribed, 'GraphQL') });

      const together = [...rest, ...ws, ...polled, ...streamed, ...subscribed, ...tail].map((event) => event.sequence);
      const log = (await readAllEvents(node, token)).map((event) => event.sequence);
      assert.equal(new Set(together).size, together.length, 'no event was handed out twice');
      // For the guest, that log is already filtered by the one visibility rule (the BOLA matrix checks each pattern on its own).
      assert.deepEqual(together, log, 'the legs together are exactly the log this client may read, in order');
    } finally {
      clearInterval(own);
      await writers.stop();
    }
  });
}
