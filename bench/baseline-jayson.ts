/**
 * Baseline: the `jayson` JSON-RPC 2.0 server on its own node:http listener, the library a user would
 * otherwise pick for JSON-RPC. Each method answers the very result Bistro answered to it.
 */
import jayson from 'jayson';
import { announce, readAnswers } from './baseline-answers.ts';

interface Call {
  method?: string;
  id?: unknown;
}

/** Pairs each recorded call with its response by id, so batches give their results too. */
const results = new Map<string, unknown>();
for (const answer of await readAnswers()) {
  if (answer.requestBody === undefined) continue;
  const calls = [JSON.parse(answer.requestBody) as Call | Call[]].flat();
  const responses = [JSON.parse(answer.body) as { id?: unknown; result?: unknown }].flat();
  for (const call of calls) {
    const response = responses.find((each) => each.id === call.id);
    if (call.method !== undefined && response && 'result' in response) results.set(call.method, response.result);
  }
}

const methods = Object.fromEntries(
  [...results].map(([method, result]) => [method, (_params: unknown, callback: (error: null, result: unknown) => void) => callback(null, result)]),
);
const server = new jayson.Server(methods).http();
server.listen(0, '127.0.0.1', () => announce(server.address()));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
