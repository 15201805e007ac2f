/** menu, order and status as child processes against a real node: human text, --json, and exit statuses for domain errors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { jsonLines, runCli } from './cli-process.ts';

const timeout = 60_000;

describe('bistro menu, order, status', () => {
  let node: TestNode;
  let env: Record<string, string>;
  before(async () => {
    node = await startTestNode();
    env = { BISTRO_URL: node.url };
  });
  after(() => node.close());

  it('menu prints a table with prices and adjustable portions; --json prints the page', { timeout }, async () => {
    const human = await runCli(['menu'], { env });
    assert.equal(human.code, 0, `exit 0; stderr: ${human.stderr}`);
    assert.match(human.stdout, /^ID\s+NAME\s+PRICE\s+INGREDIENTS/m, 'a table heading');
    assert.match(human.stdout, /^fish-and-chips\s+.+\s+\d+\.\d\d\s+fish 4 \(1–6\), chips 1 \(1–2\), salt 1 \(0–1\)$/m, 'fish and chips with min–max portions');

    const json = await runCli(['menu', '--json', '--via', 'graphql'], { env });
    assert.equal(json.code, 0, `exit 0; stderr: ${json.stderr}`);
    const [page, ...rest] = jsonLines(json);
    assert.equal(rest.length, 0, 'one JSON object');
    assert.ok(page.items.some((item: { id: string }) => item.id === 'fish-and-chips'), 'the menu has fish and chips');
  });

  it('order without a token registers a guest, prints the token and the order; status reads it back', { timeout }, async () => {
    const placed = await runCli(['order', 'fish-and-chips', '--adjust', 'salt=0', '--adjust', 'fish=2', '--table', '4', '--name', 'Ann'], { env });
    assert.equal(placed.code, 0, `exit 0; stderr: ${placed.stderr}`);
    const token = /^\s+(bg_\S+)$/m.exec(placed.stdout)?.[1];
    assert.ok(token, `the guest token is printed: ${placed.stdout}`);
    assert.match(placed.stdout, new RegExp(`export BISTRO_TOKEN=${token}`), 'with a hint to export it');
    const orderId = /^Order (ord_\S+) placed · 1 × Fish and chips \(salt 0, fish 2\) · \d+\.\d\d · table 4$/m.exec(placed.stdout)?.[1];
    assert.ok(orderId, `the order line: ${placed.stdout}`);

    const status = await runCli(['status', orderId], { env: { ...env, BISTRO_TOKEN: token } });
    assert.equal(status.code, 0, `exit 0; stderr: ${status.stderr}`);
    assert.match(status.stdout, /^Your order is waiting for the kitchen \(placed\)$/m, 'a sentence with the status');

    const waiter = await node.staffKey('waiter');
    const moved = await node.request(`/orders/${orderId}/status`, { method: 'PUT', token: waiter, json: { status: 'accepted' } });
    assert.equal(moved.status, 200, `the waiter accepts it: ${moved.text}`);
    const accepted = await runCli(['status', orderId, '--token', token, '--via', 'rpc'], { env });
    assert.match(accepted.stdout, /^The kitchen has your order \(accepted\)$/m, 'the sentence follows the status');
  });

  it('order --json with a token prints one object; status --json prints the order', { timeout }, async () => {
    const guest = await node.guest(9, 'Bo');
    const placed = await runCli(['order', 'fish-and-chips', '--quantity', '2', '--note', 'extra vinegar', '--via', 'graphql', '--json', '--idempotency-key', 'cli-test-1'], { env: { ...env, BISTRO_TOKEN: guest.token } });
    assert.equal(placed.code, 0, `exit 0; stderr: ${placed.stderr}`);
    const [answer, ...rest] = jsonLines(placed);
    assert.equal(rest.length, 0, 'one JSON object');
    assert.equal(answer.token, undefined, 'no token is made when one was given');
    assert.equal(answer.order.table, 9, "the guest's table");
    assert.equal(answer.order.items[0].quantity, 2, 'the quantity');
    assert.equal(answer.order.items[0].note, 'extra vinegar', 'the note');

    const again = await runCli(['order', 'fish-and-chips', '--quantity', '2', '--note', 'extra vinegar', '--json', '--idempotency-key', 'cli-test-1'], { env: { ...env, BISTRO_TOKEN: guest.token } });
    assert.equal(jsonLines(again)[0].order.id, answer.order.id, 'the same idempotency key answers the same order');

    const status = await runCli(['status', answer.order.id, '--json'], { env: { ...env, BISTRO_TOKEN: guest.token } });
    const [order] = jsonLines(status);
    assert.equal(order.id, answer.order.id, 'the order as JSON');
    assert.equal(order.status, 'placed', 'with its status');
  });

  it('an unknown order exits 1 with not_found on stderr; no token exits 4 with unauthorized', { timeout }, async () => {
    const guest = await node.guest();
    const missing = await runCli(['status', 'ord_nope'], { env: { ...env, BISTRO_TOKEN: guest.token } });
    assert.equal(missing.code, 1, `exit 1; stderr: ${missing.stderr}`);
    assert.match(missing.stderr, /^bistro: not_found: /, 'one line with the catalogue code');
    assert.equal(missing.stdout, '', 'nothing on stdout');

    const missingJson = await runCli(['status', 'ord_nope', '--json', '--via', 'rpc'], { env: { ...env, BISTRO_TOKEN: guest.token } });
    assert.equal(missingJson.code, 1, 'exit 1 over JSON-RPC too');
    assert.equal(jsonLines({ stdout: missingJson.stderr, stderr: '' })[0].error.code, 'not_found', 'a JSON error object on stderr');

    const anonymous = await runCli(['status', 'ord_nope'], { env });
    assert.equal(anonymous.code, 4, `exit 4; stderr: ${anonymous.stderr}`);
    assert.match(anonymous.stderr, /^bistro: unauthorized: .*BISTRO_TOKEN/, 'says how to give a token');
  });

  it('an adjustment out of range exits 1 with validation_failed and the field', { timeout }, async () => {
    const guest = await node.guest();
    const result = await runCli(['order', 'fish-and-chips', '--adjust', 'salt=5'], { env: { ...env, BISTRO_TOKEN: guest.token } });
    assert.equal(result.code, 1, `exit 1; stderr: ${result.stderr}`);
    assert.match(result.stderr, /^bistro: validation_failed: .*\/items\/0\/adjustments\/salt/, 'the code and the field pointer');
  });
});
