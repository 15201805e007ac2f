/** One HTTP exchange as the transports need it: the answer parsed, or a BistroClientError for no answer at all. */
import { BistroClientError, networkError } from '../errors.ts';
import type { Connection } from '../connection.ts';

export interface Answer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when there is none. */
  body: unknown;
}

export async function exchange(connection: Connection, path: string, init: RequestInit): Promise<Answer> {
  let response: Response;
  try {
    response = await connection.fetch(`${connection.url}${path}`, init);
  } catch (error) {
    throw networkError(error);
  }
  const text = await response.text().catch((error: unknown) => {
    throw networkError(error);
  });
  if (text === '') return { status: response.status, headers: response.headers, body: undefined };
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown };
  } catch {
    // A proxy's HTML error page, say: not Bistro's answer.
    throw new BistroClientError('unexpected_answer', `HTTP ${response.status} answered with a body that is not JSON`, { status: response.status });
  }
}

export function jsonHeaders(connection: Connection, extra: Record<string, string> = {}): Record<string, string> {
  return { accept: 'application/json', 'content-type': 'application/json', ...connection.authHeaders(), ...extra };
}
