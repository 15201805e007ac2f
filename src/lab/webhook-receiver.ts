/**
 * The lab's webhook receiver: the bells the guests hand over. It listens on 127.0.0.1, counts its
 * sockets on the phase's meter (what it reads, Bistro sent), checks each
 * delivery's signature as a real consumer must, and tells the waiting guest.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifyWebhook, type CloudEvent } from '../../client/index.ts';
import type { SocketMeter } from './socket-meter.ts';

interface Bell {
  secret: string;
  ring(event: CloudEvent, receivedAt: number): void;
}

export class WebhookReceiver {
  readonly #server: Server;
  readonly #bells = new Map<string, Bell>();
  #meter: SocketMeter | undefined;
  #deliveries = 0;
  /** Deliveries that failed their signature or named no bell: a wrong number, never a quiet pass. */
  #refused = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('connection', (socket: Socket) => receiver.#meter?.track(socket));
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const receivedAt = Date.now();
        receiver.#deliveries += 1;
        const bell = receiver.#bells.get(request.url ?? '');
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          if (!bell) throw new Error(`no bell at ${request.url ?? ''}`);
          const event = verifyWebhook(bell.secret, request.headers, body) as CloudEvent;
          response.writeHead(204).end();
          bell.ring(event, receivedAt);
        } catch {
          receiver.#refused += 1;
          response.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The phase's meter: every socket Bistro opens to the receiver from now on is counted there, and the counts start again. */
  meterWith(meter: SocketMeter | undefined): void {
    this.#meter = meter;
    if (meter === undefined) return;
    this.#deliveries = 0;
    this.#refused = 0;
  }

  get deliveries(): number {
    return this.#deliveries;
  }

  get refused(): number {
    return this.#refused;
  }

  hang(path: string, bell: Bell): void {
    this.#bells.set(path, bell);
  }

  takeDown(path: string): void {
    this.#bells.delete(path);
  }

  /** Ends the kept-alive connections Bistro holds, so their bytes are final before the meter is read. */
  closeConnections(): void {
    this.#server.closeAllConnections();
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
