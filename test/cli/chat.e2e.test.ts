/** `bistro chat` as a child process: stdin lines are posted, the waiter's replies are printed, end of input ends it. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fishAndChipsNoSaltTwoFish, startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { jsonLines, runCli, startCli } from './cli-process.ts';

const timeout = 60_000;

describe('bistro chat', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode();
  });
  after(() => node.close());

  async function guestWithOrder() {
    const guest = await node.guest(5, 'Cy');
    const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
    assert.equal(placed.status, 201, `an order: ${placed.text}`);
    return { token: guest.token, orderId: placed.body.id as string };
  }

  it('sends each stdin line, prints both sides as they arrive, and exits 0 at end of input', { timeout }, async () => {
    const { token, orderId } = await guestWithOrder();
    const waiter = await node.staffKey('waiter');
    const cli = startCli(['chat', orderId, '--json'], { env: { BISTRO_URL: node.url, BISTRO_TOKEN: token } });
    try {
      cli.child.stdin.write('Could I have extra vinegar?\n');
      const sent = JSON.parse(await cli.waitForLine((line) => line.includes('extra vinegar')));
      assert.equal(sent.from, 'guest', "the guest's own message, as posted");
      assert.equal(sent.orderId, orderId, 'on the order');

      const reply = await node.request(`/orders/${orderId}/messages`, { token: waiter, json: { text: 'Coming right up' } });
      assert.equal(reply.status, 201, `the waiter replies: ${reply.text}`);
      const received = JSON.parse(await cli.waitForLine((line) => line.includes('Coming right up')));
      assert.equal(received.from, 'waiter', "the staff's message arrives unasked");

      cli.child.stdin.write('\nThanks!\n');
      await cli.waitForLine((line) => line.includes('Thanks!'));
      cli.child.stdin.end();
      const result = await cli.exited();
      assert.equal(result.code, 0, `end of input exits 0; stderr: ${result.stderr}`);
      const texts = jsonLines(result).map((message) => message.text);
      assert.deepEqual(texts, ['Could I have extra vinegar?', 'Coming right up', 'Thanks!'], 'each message once, in order; the empty line sent nothing');
      const stored = await node.request(`/orders/${orderId}/messages`, { token });
      assert.equal(stored.body.items.length, 3, 'three messages on the order');
    } finally {
      await cli.stop('SIGKILL');
    }
  });

  it('piped input: the lines are posted and the human lines name who spoke; --history replays them', { timeout }, async () => {
    const { token, orderId } = await guestWithOrder();
    const result = await runCli(['chat', orderId], { env: { BISTRO_URL: node.url, BISTRO_TOKEN: token }, input: 'one\ntwo\n' });
    assert.equal(result.code, 0, `exit 0; stderr: ${result.stderr}`);
    assert.match(result.stdout, /^\d\d:\d\d:\d\d {2}guest: one\n\d\d:\d\d:\d\d {2}guest: two\n$/, `one line per message:\n${result.stdout}`);
    await waitFor(async () => (await node.request(`/orders/${orderId}/messages`, { token })).body.items.length === 2);

    const replay = startCli(['chat', orderId, '--history', '--json'], { env: { BISTRO_URL: node.url, BISTRO_TOKEN: token } });
    try {
      await replay.waitForLine((line) => line.includes('"text":"two"'));
      replay.child.stdin.end();
      const ended = await replay.exited();
      assert.equal(ended.code, 0, `exit 0; stderr: ${ended.stderr}`);
      assert.deepEqual(jsonLines(ended).map((message) => message.text), ['one', 'two'], '--history prints the conversation so far');
    } finally {
      await replay.stop('SIGKILL');
    }
  });

  it("someone else's order is not_found, exit 1", { timeout }, async () => {
    const { orderId } = await guestWithOrder();
    const stranger = await node.guest(6, 'Di');
    const result = await runCli(['chat', orderId], { env: { BISTRO_URL: node.url, BISTRO_TOKEN: stranger.token }, input: 'hello\n' });
    assert.equal(result.code, 1, `exit 1; stderr: ${result.stderr}`);
    assert.match(result.stderr, /^bistro: not_found: /m, 'the catalogue code');
    const stored = await node.request(`/orders/${orderId}/messages`, { token: node.adminToken });
    assert.equal(stored.body.items.length, 0, 'nothing was posted');
  });
});
