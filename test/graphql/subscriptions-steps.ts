/** Steps the subscription suites share: a real graphql-ws client on the node, and a subscription whose results are collected. */
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor, type TestNode } from '../helpers/node.ts';

export interface Connected {
  client: Client;
  /** Close codes the client saw, in order. */
  closes: number[];
}

/** A graphql-ws client; `authorization` goes in `connectionParams` as it is (with or without `Bearer`). */
export function connect(node: TestNode, authorization?: string, options: { lazy?: boolean } = {}): Connected {
  const closes: number[] = [];
  const client = createClient({
    url: `${node.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization === undefined ? {} : { authorization },
    lazy: options.lazy ?? true,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  return { client, closes };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads its own shape of data
export type Result = ExecutionResult<any, { code?: string; [key: string]: unknown }>;

export interface Watch {
  results: Result[];
  /** What an `error` message carried (the formatted GraphQL errors), or a close event. */
  error: unknown;
  completed: boolean;
  dispose(): void;
}

export function watch(client: Client, query: string, variables?: Record<string, unknown>): Watch {
  const state: Watch = {
    results: [],
    error: undefined,
    completed: false,
    dispose: () => {},
  };
  state.dispose = client.subscribe<Result['data'], Result['extensions']>(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (result) => void state.results.push(result as Result),
      error: (error) => void (state.error = error ?? 'error'),
      complete: () => void (state.completed = true),
    },
  );
  return state;
}

/** Waits until the watch holds `count` results, and returns them. */
export async function resultsOf(subscription: Watch, count: number): Promise<Result[]> {
  await waitFor(() => subscription.results.length >= count || subscription.error !== undefined || subscription.completed);
  if (subscription.results.length < count) throw new Error(`expected ${count} results, got ${JSON.stringify(subscription.results)}; error ${JSON.stringify(subscription.error)}`);
  return subscription.results.slice(0, count);
}

/** The GraphQL error codes a refused subscription carried, whichever way the protocol sent them (`next` with errors, or `error`). */
export async function refusalCodes(subscription: Watch): Promise<unknown[]> {
  await waitFor(() => subscription.error !== undefined || subscription.results.some((result) => result.errors));
  const errors = Array.isArray(subscription.error) ? (subscription.error as Result['errors'] & object) : (subscription.results.find((result) => result.errors)?.errors ?? []);
  return errors.map((error) => error.extensions?.['code']);
}

export async function closed(connected: Connected): Promise<number> {
  return waitFor(() => connected.closes.at(-1));
}

export const eventFields = 'id sequence type subject time data';
