/** `bistro order` then `bistro follow` as child processes: the order is seen becoming ready, through every push pattern. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { jsonLines, runCli, startCli } from './cli-process.ts';

const timeout = 90_000;
const lifecycle = ['order.placed', 'order.accepted', 'order.preparing', 'order.ready'];

describe('bistro follow', () => {
  let node: TestNode;
  let env: Record<string, string>;
  before(async () => {
    // The auto kitchen moves each order a step every 100 ms: ready within a second of being placed.
    node = await startTestNode({ BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: '100' });
    env = { BISTRO_URL: node.url };
  });
  after(() => node.close());

  /** `bistro order --json` as a new guest: the guest's token and the order id. */
  async function order(): Promise<{ token: string; orderId: string }> {
    const placed = await runCli(['order', 'fish-and-chips', '--adjust', 'salt=0', '--adjust', 'fish=2', '--json'], { env });
    assert.equal(placed.code, 0, `bistro order exits 0; stderr: ${placed.stderr}`);
    const [answer] = jsonLines(placed);
    return { token: answer.token, orderId: answer.order.id };
  }

  it('order, then follow <orderId> --via sse --until-status ready: the whole lifecycle, one line each, exit 0', { timeout }, async () => {
    const { token, orderId } = await order();
    const human = await runCli(['follow', orderId, '--via', 'sse', '--until-status', 'ready'], { env: { ...env, BISTRO_TOKEN: token } });
    assert.equal(human.code, 0, `exit 0; stderr: ${human.stderr}`);
    const lines = human.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((line) => line.split(/\s{2}/)[2]), lifecycle, `one line per event, in order:\n${human.stdout}`);
    assert.match(lines.at(-1) ?? '', new RegExp(`^#\\d+  \\d\\d:\\d\\d:\\d\\d  order\\.ready  orders/${orderId}  ready · 1 × Fish and chips \\(salt 0, fish 2\\) · \\d+\\.\\d\\d · table 1$`), 'sequence, time, type, subject and a summary');
  });

  /** The log's last sequence now: a follow started after it sees what happens next, whether it connects before or after. */
  async function logHead(): Promise<string> {
    let cursor = '0';
    for (let page = 0; page < 100; page++) {
      const answer = await node.request(`/events?after=${cursor}&limit=500`, { token: node.adminToken });
      if (answer.body.items.length === 0) return cursor;
      cursor = answer.body.nextCursor;
    }
    throw new Error('the log did not end within 100 pages');
  }

  for (const via of ['sse', 'ws', 'long-poll', 'poll', 'graphql-ws']) {
    it(`follow --via ${via} --json: one CloudEvent per line, until the next order is ready`, { timeout }, async () => {
      const { token } = await node.guest();
      const head = await logHead();
      const cli = startCli(['follow', '--via', via, '--after', head, '--json', '--until-status', 'ready', '--types', 'order.placed,order.ready'], { env: { ...env, BISTRO_TOKEN: token } });
      try {
        const placed = await node.request('/orders', { token, json: { items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] } });
        assert.equal(placed.status, 201, `the next order is placed: ${placed.text}`);
        const result = await cli.exited();
        assert.equal(result.code, 0, `exit 0 at --until-status; stderr: ${result.stderr}`);
        const events = jsonLines(result);
        assert.ok(events.every((event) => event.specversion === '1.0' && /^\d+$/.test(event.sequence)), 'each line is a CloudEvent with its sequence');
        const mine = events.filter((event) => event.subject === `orders/${placed.body.id}`).map((event) => event.type);
        assert.deepEqual(mine, ['order.placed', 'order.ready'], `the types asked for, in order: ${result.stdout}`);
        const sequences = events.map((event) => Number(event.sequence));
        assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b), 'in log order');
        assert.equal(new Set(sequences).size, sequences.length, 'no repeats');
      } finally {
        await cli.stop('SIGKILL');
      }
    });
  }

  it('--count stops after N events; Ctrl-C ends a follow with exit 0', { timeout }, async () => {
    const { token, orderId } = await order();
    const counted = await runCli(['follow', orderId, '--via', 'long-poll', '--count', '2', '--json'], { env: { ...env, BISTRO_TOKEN: token } });
    assert.equal(counted.code, 0, `exit 0; stderr: ${counted.stderr}`);
    assert.deepEqual(jsonLines(counted).map((event) => event.type), ['order.placed', 'order.accepted'], 'the first two events of the order');

    const cli = startCli(['follow', '--via', 'ws', '--json', '--after', await logHead()], { env: { ...env, BISTRO_TOKEN: token } });
    try {
      // An event printed means the stream is open and Ctrl-C is the command's to handle.
      await node.request('/orders', { token, json: { items: [{ menuItemId: 'lemonade', quantity: 1 }] } });
      await cli.waitForLine((line) => line.includes('"order.placed"'));
      const result = await cli.stop('SIGINT');
      assert.equal(result.code, 0, `Ctrl-C exits 0; stderr: ${result.stderr}`);
    } finally {
      await cli.stop('SIGKILL');
    }
  });

  it("follow of an unknown order exits 1 with not_found instead of waiting forever", { timeout }, async () => {
    const guest = await node.guest();
    const result = await runCli(['follow', 'ord_nope', '--via', 'sse'], { env: { ...env, BISTRO_TOKEN: guest.token }, timeoutMs: 20_000 });
    assert.equal(result.code, 1, `exit 1; stderr: ${result.stderr}`);
    assert.match(result.stderr, /^bistro: not_found: /, 'the catalogue code');
  });
});
