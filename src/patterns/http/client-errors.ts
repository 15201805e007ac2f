/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a head too large, bytes that are
 * not HTTP, a request too slow to arrive) answered in the catalogue's problem+json, written on the
 * raw socket, which then closes: the parser cannot find where the next request would start.
 */
import type { Duplex } from 'node:stream';
import { BistroError } from '../../core/core.ts';
import { rawProblemResponse } from './problem.ts';

/** Node's parser error: `code` names the failure, `rawPacket` the bytes it was reading (a Buffer, though Fastify's types say otherwise). */
interface ParserError extends Error {
  code?: string;
  rawPacket?: unknown;
}

/** Node's head limit (`--max-http-header-size`, 16 KiB): the request line counts in it. */
const maxHeadBytes = 16_384;
/** A head that overflowed is blamed on its URL when the request line alone is at least this long. */
const longRequestLineBytes = maxHeadBytes / 2;

/** Time given to a client to read the answer before a socket it keeps open is destroyed. */
const lingerMs = 1000;

const answered = new WeakSet<Duplex>();

/** The `clientError` handler: one answer per socket, then the socket ends. */
export function answerClientError(error: ParserError, socket: Duplex): void {
  // A reset peer has nobody to read an answer; a repeat is the parser failing again on later bytes.
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const problem = problemFor(error);
  // Once an answer has begun on this socket (a response still streaming), another would corrupt it.
  if (problem === undefined || !socket.writable || responseStarted(socket)) return void socket.destroy();
  endWith(socket, rawProblemResponse(problem));
}

/**
 * Writes the last bytes and half-closes; the socket is destroyed once the client closes too, or
 * after a short linger. Destroying at once would reset a client still sending, and a reset can
 * discard the answer before the client reads it.
 */
export function endWith(socket: Duplex, answer: string): void {
  socket.on('error', () => {});
  // Read and drop what the client still sends, so its bytes do not turn our close into a reset.
  socket.resume();
  socket.end(answer);
  const linger = setTimeout(() => socket.destroy(), lingerMs);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

function problemFor(error: ParserError): BistroError | undefined {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new BistroError('request_timeout', 'The request did not arrive whole in time; send it again at a steady pace.');
    case 'HPE_HEADER_OVERFLOW':
      return requestLineOverflowed(error.rawPacket)
        ? new BistroError('uri_too_long', `The URL is longer than the server reads (the request line and headers together may take ${maxHeadBytes} bytes).`)
        : new BistroError('headers_too_large', `The request line and headers together may take ${maxHeadBytes} bytes.`);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new BistroError('payload_too_large', 'The chunk extensions are larger than allowed.');
    default:
      // Every other parser error (HPE_INVALID_METHOD, HPE_INVALID_URL, HPE_INVALID_HEADER_TOKEN …) is a malformed request.
      if (error.code?.startsWith('HPE_')) return new BistroError('validation_failed', `This is not a valid HTTP/1.1 request (${error.code}).`);
      return undefined;
  }
}

/** True when the bytes being read start a request whose first line, on its own, is long enough to blame. */
function requestLineOverflowed(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet) || !/^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1'))) return false;
  const lineEnd = packet.indexOf('\n');
  return lineEnd === -1 ? packet.length >= longRequestLineBytes : lineEnd >= longRequestLineBytes;
}

/** Node keeps the response in progress on its socket (`_httpMessage`); no public API says whether its head went out. */
function responseStarted(socket: Duplex): boolean {
  const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  return response?.headersSent === true;
}
