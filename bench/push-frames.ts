/** The bytes Bistro's push patterns sent, recorded before measuring, for the push baselines to repeat. */
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface PushFrames {
  /** One `/ws` event notification, `{"jsonrpc":"2.0","method":"event","params":<CloudEvent>}`. */
  wsFrame: string;
  /** The `/ws` answer to `events.subscribe`. */
  subscribeResult: string;
  /** One SSE event as written: `id:` and `data:` lines and the blank line. */
  sseFrame: string;
  /** The body of a long poll woken by one event. */
  longPollBody: string;
}

export async function readFrames(): Promise<PushFrames> {
  const lines = createInterface({ input: process.stdin });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return JSON.parse(line) as PushFrames;
}
