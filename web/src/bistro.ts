/** The page's Bistro clients: the same `bistro/client` a user installs, pointed at the node that served the page. */
import { createClient, type BistroClient, type ClientOptions } from 'bistro/client';
import { meteredFetch, meteredWebSocket, type CostMeter } from './meter.ts';

export const origin = window.location.origin;

export function clientFor(token: string | undefined): BistroClient {
  return createClient({ url: origin, token });
}

/** A client whose every request and frame is counted into `meter`: what a push pattern costs this page. */
export function meteredClient(token: string | undefined, meter: CostMeter): BistroClient {
  const options: ClientOptions = { url: origin, token, fetch: meteredFetch(meter), WebSocket: meteredWebSocket(meter) };
  return createClient(options);
}
