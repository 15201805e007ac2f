/**
 * The web UI's lab runs over real HTTP: only the admin may start or read one; bad input is refused
 * before anything starts; a small real run (`bistro lab` as a child process) goes from running to
 * done with a result for exactly the patterns asked, and a second start while it runs is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabResult } from '../../src/lab/lab-result.ts';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';

const tiny = { guests: 3, paceMs: 50, durationS: 1, rounds: 1, patterns: ['sse', 'poll-1s'] };

function assertProblem(answer: { status: number; headers: Headers; body: { code?: string } }, status: number, code: string, what: string): void {
  assert.equal(answer.status, status, `${what}: HTTP ${status}`);
  assert.match(String(answer.headers.get('content-type')), /application\/problem\+json/, `${what}: problem+json`);
  assert.equal(answer.body.code, code, `${what}: the catalogue code ${code}`);
}

describe('lab runs', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode();
  });
  after(() => node.close());

  test('only the admin may start or read a run', async () => {
    const guest = await node.guest(2, 'Ada');
    const waiter = await node.staffKey('waiter');
    for (const [method, path] of [['POST', '/lab/runs'], ['GET', '/lab/runs/current']] as const) {
      const json = method === 'POST' ? tiny : undefined;
      assertProblem(await node.request(path, { method, json }), 401, 'unauthorized', `${method} ${path} without a token`);
      assertProblem(await node.request(path, { method, json, token: guest.token }), 403, 'forbidden', `${method} ${path} as a guest`);
      assertProblem(await node.request(path, { method, json, token: waiter }), 403, 'forbidden', `${method} ${path} as a waiter`);
    }
    const current = await node.request('/lab/runs/current', { token: node.adminToken });
    assert.equal(current.status, 200, `the admin reads the current run: ${current.text}`);
    assert.deepEqual(current.body, { id: null, state: 'none', progress: null, result: null, error: null }, 'nothing was started by the refused calls');
  });

  test('bad input is refused with the field it names, and nothing starts', async () => {
    const bad: [unknown, string][] = [
      [{ guests: 0 }, '/guests'],
      [{ guests: 51 }, '/guests'],
      [{ paceMs: 10 }, '/paceMs'],
      [{ durationS: 31 }, '/durationS'],
      [{ rounds: 4 }, '/rounds'],
      [{ seed: 1.5 }, '/seed'],
      [{ patterns: ['carrier-pigeon'] }, '/patterns/0'],
      [{ patterns: [] }, '/patterns'],
      [{ patterns: ['sse', 'sse'] }, '/patterns'],
      [{ nodes: 3 }, '/nodes'],
    ];
    for (const [json, pointer] of bad) {
      const answer = await node.request('/lab/runs', { token: node.adminToken, json });
      assertProblem(answer, 400, 'validation_failed', `POST /lab/runs ${JSON.stringify(json)}`);
      assert.ok(
        (answer.body.errors as { pointer: string }[]).some((error) => error.pointer === pointer),
        `${JSON.stringify(json)}: an error points at ${pointer}: ${answer.text}`,
      );
    }
    assertProblem(await node.request('/lab/runs', { token: node.adminToken, body: 'guests=3', headers: { 'content-type': 'application/json' } }), 400, 'malformed_json', 'a body that is not JSON');
    const current = await node.request('/lab/runs/current', { token: node.adminToken });
    assert.equal(current.body.state, 'none', `no run was started: ${current.text}`);
  });

  test('a small real run goes to done with a result for the patterns asked; a second start meanwhile is refused', async () => {
    const started = await node.request('/lab/runs', { token: node.adminToken, json: tiny });
    assert.equal(started.status, 202, `the run starts: ${started.text}`);
    assert.match(started.body.id, /^lab_[A-Za-z0-9_-]{16}$/, 'the run has an id');
    assert.equal(started.body.state, 'running', 'and is running');

    const second = await node.request('/lab/runs', { token: node.adminToken, json: tiny });
    assertProblem(second, 409, 'lab_run_in_progress', 'a second start while one runs');
    assert.match(second.body.detail, new RegExp(started.body.id), 'the refusal names the run going on');

    const seen = new Set<string>();
    const ended = await waitFor(
      async () => {
        const current = await node.request('/lab/runs/current', { token: node.adminToken });
        seen.add(current.body.state);
        return current.body.state === 'running' ? undefined : current.body;
      },
      240_000,
      200,
    );
    assert.equal(ended.id, started.body.id, 'the current run is the one started');
    assert.equal(ended.state, 'done', `the run is done: ${ended.error}`);
    assert.equal(ended.error, null, 'without an error');
    assert.ok(seen.has('running') || ended.progress !== null, 'it was seen running or reported progress');
    assert.ok(ended.progress === null || ended.progress.done <= ended.progress.total, `progress is done of total: ${JSON.stringify(ended.progress)}`);
    const result = ended.result as LabResult;
    assert.equal(result.version, 1, 'a version 1 result');
    assert.deepEqual(
      result.patterns.map((pattern) => pattern.pattern),
      ['poll-1s', 'sse'],
      'exactly the patterns asked, in the lab’s order',
    );
    assert.equal(result.settings.guests, 3, 'with the guests asked');
    assert.equal(result.settings.paceMs, 50, 'at the pace asked');
    assert.equal(result.settings.rounds, 1, 'for the rounds asked');
    for (const pattern of result.patterns) assert.equal(pattern.rounds.length, 1, `${pattern.pattern}: one round`);

    const again = await node.request('/lab/runs', { token: node.adminToken, json: { ...tiny, patterns: ['sse'] } });
    assert.equal(again.status, 202, `once the run has ended the next may start: ${again.text}`);
    assert.notEqual(again.body.id, started.body.id, 'as a new run');
    // The node's close kills it: `after` would hang on a child that outlived the node.
  });
});
