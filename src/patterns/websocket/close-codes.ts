/**
 * Why the server closes a `/ws` socket, as close codes (docs/protocols/websocket.md prints this
 * table). Codes in the 4000 range follow graphql-ws: 4000 + the HTTP status the same refusal
 * would have had, so a client maps them without a second table.
 */
import { formatCursor } from '../../core/core.ts';

export const closeCodes = {
  /** The node is shutting down: reconnect (to it or another node) and resume. RFC 6455 §7.4.1. */
  goingAway: 1001,
  /** A frame larger than `wsMaxMessageBytes`: sent by the `ws` library itself. RFC 6455 §7.4.1. */
  messageTooBig: 1009,
  /** The socket's staff key was revoked: reconnecting with it is refused 401. */
  revoked: 4401,
  /**
   * A slow consumer: the client did not read and the socket's unsent bytes passed
   * `maxBufferedBytes`. Not 4000 + a status: no HTTP answer means "you stopped reading"; 4008
   * echoes 1008 (policy violation) in the application range.
   */
  slowConsumer: 4008,
} as const;

/**
 * Every close the server starts says where the client's event stream stopped: the last sequence
 * it was sent, to pass as `events.subscribe {after}` on the next socket. At most 123 bytes by
 * RFC 6455 §5.5; this is under 40.
 */
export const closeReason = (lastSequence: number): string => JSON.stringify({ lastSequence: formatCursor(lastSequence) });
