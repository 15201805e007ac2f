/**
 * Regression: JSON-RPC ids came back rounded (9007199254740993 as …992, 12345678901234567890123 as
 * 1.2345678901234568e+22). Every id is echoed as written, over POST /rpc and over /ws, single and
 * batched, checked on the exact bytes of the answer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { parseRpcText } from '../../src/patterns/rpc/rpc-dispatcher.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

let node: TestNode;
/** The same with rate limits off: counting a message's calls (on by default) parses it on a path of its own. */
let unlimited: TestNode;
before(async () => {
  node = await startTestNode();
  unlimited = await startTestNode({ BISTRO_RATE_LIMIT: '0' });
});
after(async () => {
  await node.close();
  await unlimited.close();
});

/** Ids a JavaScript number would not give back as written. */
const inexactIds = ['9007199254740993', '12345678901234567890123', '-9007199254740993', '1.10', '0.1', '-1e-7', '1.5E+300', '123456789012345678901234567890.5'];

/** A call to a method that does not exist: its whole answer is known byte for byte. */
const unknownCall = (id: string) => `{"jsonrpc":"2.0","method":"no.such","id":${id}}`;
const unknownAnswer = (id: string) => `{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":{"detail":"There is no method \\"no.such\\"."}},"id":${id}}`;

async function postRpc(body: string, to = node): Promise<string> {
  const response = await to.request('/rpc', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  assert.equal(response.status, 200, response.text);
  return response.text;
}

/** Opens /ws, sends every text and collects as many raw answer frames (in the order they arrive). */
async function overSocket(texts: string[], to = node): Promise<string[]> {
  const socket = new WebSocket(`${to.url.replace(/^http/, 'ws')}/ws`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  try {
    const frames: string[] = [];
    const all = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${frames.length} of ${texts.length} answers arrived: ${frames.join('\n')}`)), 5000);
      socket.on('message', (data) => {
        frames.push((data as Buffer).toString());
        if (frames.length === texts.length) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    for (const text of texts) socket.send(text);
    await all;
    return frames;
  } finally {
    socket.close();
  }
}

test('regression: POST /rpc echoes each id as written, byte for byte', async () => {
  for (const id of inexactIds) assert.equal(await postRpc(unknownCall(id)), unknownAnswer(id), `id ${id}`);
});

test('regression: a success answer, first read and then kept, echoes the id as written', async () => {
  const call = '{"jsonrpc":"2.0","method":"menu.get","params":{"id":"lemonade"},"id":9007199254740993}';
  const first = await postRpc(call);
  const kept = await postRpc(call);
  for (const text of [first, kept]) {
    assert.ok(text.startsWith('{"jsonrpc":"2.0","result":{'), text);
    assert.ok(text.endsWith('},"id":9007199254740993}'), text);
  }
  assert.equal(kept, first, 'the kept answer is the same bytes');
});

test('regression: a batch echoes every id as written, among ordinary ids, in order', async () => {
  const ids = ['1', '"a"', ...inexactIds, 'null', '42'];
  const text = await postRpc(`[${ids.map(unknownCall).join(', ')}]`);
  assert.equal(text, `[${ids.map(unknownAnswer).join(',')}]`);
});

test('regression: /ws echoes each id as written, single and batched, with rate limits off and on', async () => {
  const batchIds = ['7', ...inexactIds.slice(0, 3)];
  for (const [to, limits] of [[node, 'on'], [unlimited, 'off']] as const) {
    const frames = await overSocket([...inexactIds.map(unknownCall), `[${batchIds.map(unknownCall).join(',')}]`], to);
    // Calls on one socket may be answered in any order; each answer must be exactly one of these.
    assert.deepEqual(frames.sort(), [...inexactIds.map(unknownAnswer), `[${batchIds.map(unknownAnswer).join(',')}]`].sort(), `rate limits ${limits}`);
  }
});

test('regression: with rate limits off, POST /rpc echoes each id as written too, single and batched', async () => {
  for (const id of inexactIds.slice(0, 3)) assert.equal(await postRpc(unknownCall(id), unlimited), unknownAnswer(id), `id ${id}`);
  assert.equal(await postRpc(`[${inexactIds.map(unknownCall).join(',')}]`, unlimited), `[${inexactIds.map(unknownAnswer).join(',')}]`, 'a batch');
});

test('the raw id is the request\'s own: escaped key, duplicate keys (the last wins), ids inside params and strings ignored', async () => {
  const cases: Array<[string, string]> = [
    ['{"jsonrpc":"2.0","method":"no.such","\\u0069d":9007199254740993}', '9007199254740993'],
    ['{"id":1,"jsonrpc":"2.0","method":"no.such","id":12345678901234567890123}', '12345678901234567890123'],
    ['{"params":{"id":1,"x":"\\"id\\":2,"},"jsonrpc":"2.0","method":"no.such","id" : \n 9007199254740995 }', '9007199254740995'],
  ];
  for (const [text, id] of cases) {
    const answer = await postRpc(text);
    assert.ok(answer.endsWith(`,"id":${id}}`), `${text} → ${answer}`);
  }
});

test('an id that is a safe integer however written (1E+2, 1.0) is echoed as that integer, the same JSON number', async () => {
  assert.equal(await postRpc(unknownCall('1E+2')), unknownAnswer('100'));
  assert.equal(await postRpc(unknownCall('7.0')), unknownAnswer('7'));
});

test('ordinary ids keep the fast path: they are left as JSON.parse made them', () => {
  const text = '[{"jsonrpc":"2.0","method":"m","id":1},{"jsonrpc":"2.0","method":"m","id":"x"},{"jsonrpc":"2.0","method":"m","id":null}]';
  assert.deepEqual(parseRpcText(text), JSON.parse(text), 'nothing replaced');
});

test('an id past what JSON numbers carry (1e400) is still refused with id null', async () => {
  const answer = JSON.parse(await postRpc('{"jsonrpc":"2.0","method":"menu.list","id":1e400}'));
  assert.equal(answer.error.code, -32600, JSON.stringify(answer));
  assert.equal(answer.id, null, JSON.stringify(answer));
});
