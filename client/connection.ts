/** What every part of the client shares about the node it talks to. */
import type { CallOptions, WebSocketConstructor } from './types.ts';

export interface Connection {
  /** The node's base URL without a trailing slash. */
  readonly url: string;
  readonly token: string | undefined;
  readonly fetch: typeof fetch;
  readonly WebSocket: WebSocketConstructor | undefined;
  /** `Authorization: Bearer …` when there is a token, else nothing. */
  authHeaders(): Record<string, string>;
  /** Any catalogue operation by name, through the pattern `options.via` names; throws BistroClientError. */
  call(name: string, input: Record<string, unknown>, options?: CallOptions): Promise<unknown>;
}

/** `http://host:3000/` → `ws://host:3000` and `https:` → `wss:`. */
export function webSocketBase(url: string): string {
  return url.replace(/^http/, 'ws');
}
