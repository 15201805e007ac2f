/** An operation over JSON-RPC 2.0 at `POST /rpc`: the method is the operation's name, the params its input. */
import { BistroClientError, fromProblem, fromRpcError } from '../errors.ts';
import type { Connection } from '../connection.ts';
import { exchange, jsonHeaders } from './answer.ts';

let nextId = 1;

export async function callRpc(connection: Connection, name: string, input: Record<string, unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  const id = nextId++;
  const answer = await exchange(connection, '/rpc', {
    method: 'POST',
    headers: jsonHeaders(connection),
    body: JSON.stringify({ jsonrpc: '2.0', id, method: name, params: input }),
    ...(signal ? { signal } : {}),
  });
  const body = answer.body as { result?: unknown; error?: unknown; id?: unknown } | undefined;
  // Refused before JSON-RPC ran (401 at the door, 429, 503): a problem document, not a JSON-RPC answer.
  if (body === undefined || (body.error === undefined && !('result' in body))) {
    if (answer.status >= 400) throw fromProblem(answer.status, answer.body, answer.headers);
    throw new BistroClientError('unexpected_answer', `HTTP ${answer.status}: not a JSON-RPC answer`, { status: answer.status });
  }
  if (body.error !== undefined) throw fromRpcError(body.error);
  return body.result;
}
