/**
 * Replays the golden JSON-RPC transcripts in test/rpc/transcripts/ against a real node over HTTP.
 * The file format and the placeholders are described in test/rpc/transcripts/README.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestNode } from '../helpers/node.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Caller = 'anonymous' | 'alice' | 'bob' | 'waiter' | 'kitchen' | 'admin' | 'invalid';

interface Step {
  description: string;
  as?: Caller;
  request: Json;
  response: Json;
  httpStatus: number;
}

const folder = join(import.meta.dirname, 'transcripts');
/** Small on purpose, so a transcript can show a batch one over the limit. */
const transcriptMaxBatch = 10;

/** Replaces `${name}` with a captured value: inside raw text as written, and a whole-string `"${name}"` by the value itself. */
function substitute(value: Json, vars: Map<string, Json>, raw: boolean): Json {
  if (typeof value === 'string') {
    const whole = /^\$\{(\w+)\}$/.exec(value);
    if (whole && !raw) return lookup(vars, whole[1] as string);
    return value.replace(/\$\{(\w+)\}/g, (_match, name: string) => {
      const found = lookup(vars, name);
      return typeof found === 'string' ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, vars, raw));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, vars, raw)]));
  return value;
}

function lookup(vars: Map<string, Json>, name: string): Json {
  if (!vars.has(name)) throw new Error(`the transcript uses \${${name}} before capturing it`);
  return vars.get(name) as Json;
}

/** Returns where `actual` departs from `expected`, or null; captures `$capture:name` values into `vars` on the way. */
function mismatch(expected: Json, actual: unknown, vars: Map<string, Json>, path = ''): string | null {
  const where = path || '(root)';
  if (typeof expected === 'string' && expected.startsWith('$')) {
    if (expected === '$any') return actual === undefined ? `${where}: missing` : null;
    if (expected === '$string') return typeof actual === 'string' ? null : `${where}: expected a string, got ${JSON.stringify(actual)}`;
    if (expected === '$number') return typeof actual === 'number' ? null : `${where}: expected a number, got ${JSON.stringify(actual)}`;
    if (expected.startsWith('$capture:')) {
      if (typeof actual !== 'string' && typeof actual !== 'number') return `${where}: expected a string or number to capture, got ${JSON.stringify(actual)}`;
      vars.set(expected.slice('$capture:'.length), actual);
      return null;
    }
    if (!expected.startsWith('${')) throw new Error(`unknown placeholder ${expected} at ${where}`);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${where}: expected an array, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) return `${where}: expected ${expected.length} items, got ${actual.length}`;
    for (const [index, item] of expected.entries()) {
      const found = mismatch(item, actual[index], vars, `${path}/${index}`);
      if (found) return found;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${where}: expected an object, got ${JSON.stringify(actual)}`;
    const keys = Object.keys(expected).sort();
    const actualKeys = Object.keys(actual).sort();
    if (JSON.stringify(keys) !== JSON.stringify(actualKeys)) return `${where}: expected keys ${keys.join(', ')}, got ${actualKeys.join(', ')}`;
    for (const key of keys) {
      const found = mismatch(expected[key] as Json, (actual as Record<string, unknown>)[key], vars, `${path}/${key}`);
      if (found) return found;
    }
    return null;
  }
  const wanted = substitute(expected, vars, false);
  return Object.is(wanted, actual) || wanted === actual ? null : `${where}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`;
}

const files = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();

test('there are transcripts to replay', () => {
  assert.ok(files.length >= 4, `found only ${files.join(', ')}`);
});

for (const file of files) {
  test(`transcript ${file}`, async (t) => {
    const steps = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Step[];
    assert.ok(Array.isArray(steps) && steps.length > 0, `${file} holds a list of steps`);
    const node = await startTestNode({ BISTRO_RPC_MAX_BATCH: String(transcriptMaxBatch) });
    try {
      const tokens: Record<Caller, string | undefined> = {
        anonymous: undefined,
        alice: (await node.guest(7, 'Alice')).token,
        bob: (await node.guest(8, 'Bob')).token,
        waiter: await node.staffKey('waiter'),
        kitchen: await node.staffKey('kitchen'),
        admin: node.adminToken,
        invalid: 'not-a-real-token',
      };
      const vars = new Map<string, Json>();
      for (const [index, step] of steps.entries()) {
        await t.test(`${index + 1}. ${step.description}`, async () => {
          const body = typeof step.request === 'string' ? (substitute(step.request, vars, true) as string) : JSON.stringify(substitute(step.request, vars, false));
          const token = tokens[step.as ?? 'anonymous'];
          const response = await node.request('/rpc', { method: 'POST', body, headers: { 'content-type': 'application/json' }, ...(token ? { token } : {}) });
          assert.equal(response.status, step.httpStatus, `HTTP status; body: ${response.text}`);
          if (step.response === null) {
            assert.equal(response.text, '', 'no body when nothing is to be sent');
            return;
          }
          assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
          assert.notEqual(response.body, undefined, `the body is JSON: ${response.text}`);
          const found = mismatch(step.response, response.body, vars);
          assert.equal(found, null, `${found}\nactual: ${response.text}`);
        });
      }
    } finally {
      await node.close();
    }
  });
}
