/**
 * Counts what the lab's clients cost at the sockets: bytes each way as the kernel took and gave
 * them (`socket.bytesWritten`/`bytesRead`, headers, frames and TLS-free TCP payload included),
 * requests sent, and connections open at once. Every guest gets its own connections (`connector`),
 * as every guest's phone would have, and all of a phase's guests share one meter.
 */
import { createConnection, type Socket } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import WebSocket, { type ClientOptions } from 'ws';
import type { WebSocketConstructor } from '../../client/index.ts';

export interface MeterReading {
  bytesToServer: number;
  bytesFromServer: number;
  /** HTTP requests and WebSocket messages the clients sent (an upgrade counts as one request). */
  requests: number;
  /** Connections opened, and the most open at once. */
  connections: number;
  peakConnections: number;
}

/** One guest's own connections: a fetch and a WebSocket that open counted sockets only. */
export interface Connector {
  fetch: typeof fetch;
  WebSocket: WebSocketConstructor;
  /** Closes the guest's idle connections; its WebSockets are closed by their owners. */
  close(): Promise<void>;
}

export class SocketMeter {
  #closedToServer = 0;
  #closedFromServer = 0;
  #requests = 0;
  #connections = 0;
  #peak = 0;
  readonly #live = new Set<Socket>();

  /**
   * Counts a socket until it closes. Every socket counted is the lab's end, whoever dialled: a
   * client's, or the webhook receiver's that Bistro opened. What it writes goes to the server and
   * what it reads came from it.
   */
  track(socket: Socket): void {
    this.#live.add(socket);
    this.#connections += 1;
    this.#peak = Math.max(this.#peak, this.#live.size);
    socket.once('close', () => {
      this.#closedToServer += socket.bytesWritten;
      this.#closedFromServer += socket.bytesRead;
      this.#live.delete(socket);
    });
  }

  countRequest(): void {
    this.#requests += 1;
  }

  read(): MeterReading {
    let toServer = this.#closedToServer;
    let fromServer = this.#closedFromServer;
    for (const socket of this.#live) {
      toServer += socket.bytesWritten;
      fromServer += socket.bytesRead;
    }
    return { bytesToServer: toServer, bytesFromServer: fromServer, requests: this.#requests, connections: this.#connections, peakConnections: this.#peak };
  }

  /** A guest's own connections, counted here. */
  connector(): Connector {
    const connect = buildConnector({});
    const dispatcher = new Agent({
      connect: (options, callback) =>
        connect(options, (...answer) => {
          // A plain http: target gives a net.Socket; the lab speaks no TLS.
          if (answer[0] === null) this.track(answer[1]);
          callback(...answer);
        }),
    });
    // The WebSocket class below has its own `this`.
    const track = (socket: Socket) => this.track(socket);
    const countRequest = () => this.countRequest();
    const counted = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      countRequest();
      // undici's fetch is the one Node.js ships; its types differ from the DOM's only in name.
      return undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher });
    };
    class MeteredWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        const options: ClientOptions = {
          createConnection: (connectOptions) => {
            const socket = createConnection(connectOptions as Parameters<typeof createConnection>[0]);
            track(socket);
            return socket;
          },
        };
        super(url, protocols, options);
        countRequest();
      }

      override send(data: unknown, ...rest: unknown[]): void {
        countRequest();
        // ws's overloads take (data, options?, callback?); the client only ever sends strings.
        (WebSocket.prototype.send as (...args: unknown[]) => void).call(this, data, ...rest);
      }
    }
    return {
      fetch: counted,
      WebSocket: MeteredWebSocket,
      close: () => dispatcher.close(),
    };
  }
}
