/** `bistro/client/node`: the client for Node.js 20, whose runtime has no WebSocket: `ws` stands in. */
import WebSocket from 'ws';
import { createClient as createBaseClient, type BistroClient } from './index.ts';
import type { ClientOptions } from './types.ts';

export * from './index.ts';

export function createClient(options: ClientOptions): BistroClient {
  // `ws` speaks the same addEventListener interface as the browser's WebSocket.
  return createBaseClient({ WebSocket, ...options });
}
