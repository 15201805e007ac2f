/**
 * A minimal WebSocket client for the push benchmarks' client process: the handshake, unfragmented
 * text frames in, masked text and pong frames out. The client must cost far less per message than
 * any server it measures, or the ratios measure the client: `ws` validates UTF-8 and runs a stream
 * per socket, socket.io-client adds engine.io parsing and a JSON.parse per event, about as much
 * per message as the servers' send loops. Here a message is a header check and a slice.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawWebSocketHandlers {
  onOpen(): void;
  /** A complete text frame's payload, unparsed. */
  onMessage(payload: Buffer): void;
  onError(error: Error): void;
  onClose(): void;
}

const headerEnd = Buffer.from('\r\n\r\n');

/** A masked client frame (RFC 6455 §5.3): text (0x1) or pong (0xA). */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length]) : Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
  const mask = randomBytes(4);
  const masked = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) masked[i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  return Buffer.concat([header, mask, masked]);
}

export class RawWebSocket {
  readonly #socket: Socket;
  readonly #handlers: RawWebSocketHandlers;
  #open = false;
  #pending: Buffer | null = null;

  /** `path` with its query, e.g. `/ws?token=…`. */
  constructor(url: string, path: string, handlers: RawWebSocketHandlers) {
    const { hostname, port } = new URL(url);
    this.#handlers = handlers;
    this.#socket = connect({ host: hostname, port: Number(port), noDelay: true });
    this.#socket.once('connect', () => {
      const key = randomBytes(16).toString('base64');
      this.#socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    this.#socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.#socket.on('error', (error) => handlers.onError(error));
    this.#socket.on('close', () => handlers.onClose());
  }

  send(text: string): void {
    this.#socket.write(frame(0x1, Buffer.from(text)));
  }

  close(): void {
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    let data = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = null;
    if (!this.#open) {
      const end = data.indexOf(headerEnd);
      if (end < 0) {
        this.#pending = data;
        return;
      }
      const status = data.subarray(0, data.indexOf('\r\n')).toString();
      if (!status.startsWith('HTTP/1.1 101')) {
        this.#handlers.onError(new Error(`upgrade refused: ${status}`));
        this.#socket.destroy();
        return;
      }
      this.#open = true;
      this.#handlers.onOpen();
      data = data.subarray(end + 4);
    }
    while (data.length >= 2) {
      const opcode = (data[0] ?? 0) & 0x0f;
      let length = (data[1] ?? 0) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (data.length < 4) break;
        length = data.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (data.length < 10) break;
        length = Number(data.readBigUInt64BE(2));
        offset = 10;
      }
      if (data.length < offset + length) break;
      const payload = data.subarray(offset, offset + length);
      data = data.subarray(offset + length);
      if (opcode === 0x1) this.#handlers.onMessage(payload);
      else if (opcode === 0x9) this.#socket.write(frame(0xa, payload));
      else if (opcode === 0x8) this.#socket.end();
    }
    if (data.length > 0) this.#pending = Buffer.from(data);
  }
}
