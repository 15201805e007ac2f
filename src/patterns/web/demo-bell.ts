/**
 * The demo bell: a throwaway webhook receiver inside the node, so the web UI's inspector can show a
 * signed delivery arriving without the visitor running a server of their own. It lives on this
 * node's own address, which outbound safety refuses unless private targets are allowed
 * (BISTRO_WEBHOOK_ALLOW_PRIVATE=1), so it exists only then; otherwise its routes say how to turn it on.
 *
 * Memory only and bounded (nothing touches the database): at most 100 bells (the oldest goes), 50
 * rings per bell (the oldest goes), bodies up to 64 KiB, and a bell idle for an hour is forgotten.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BistroError } from '../../core/core.ts';

export const bellLimits = { bells: 100, ringsPerBell: 50, bodyBytes: 65_536, idleMs: 60 * 60 * 1000 } as const;

export interface Ring {
  /** 1, 2, 3… per bell: `?after=<n>` reads the rings after the n-th. */
  n: number;
  at: string;
  /** The Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) as received. */
  headers: Record<string, string>;
  /** The body as the exact text received: what a signature is computed over. */
  body: string;
}

interface Bell {
  rings: Ring[];
  next: number;
  touchedAt: number;
}

const offMessage =
  'The demo bell is off: it lives on this node\'s own address, which webhooks may reach only when private targets are allowed. Start the node with BISTRO_WEBHOOK_ALLOW_PRIVATE=1 (development only) to use it.';

/** A `POST /demo/bells/{id}` URL the node itself can connect to: the address and port this request arrived on. */
function ownUrl(request: FastifyRequest, id: string): string {
  const socket = request.raw.socket;
  let address = socket.localAddress ?? '127.0.0.1';
  // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6.
  if (address.startsWith('::ffff:') && address.includes('.')) address = address.slice('::ffff:'.length);
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${socket.localPort ?? 80}/demo/bells/${id}`;
}

export async function registerDemoBell(app: FastifyInstance, { enabled, clock = () => Date.now() }: { enabled: boolean; clock?: () => number }): Promise<void> {
  // A Map iterates in insertion order; a bell is re-inserted when touched, so the first is the least recently used.
  const bells = new Map<string, Bell>();

  function forgetIdle(): void {
    const now = clock();
    for (const [id, bell] of bells) if (now - bell.touchedAt > bellLimits.idleMs) bells.delete(id);
  }

  function bellOf(id: string): Bell {
    if (!enabled) throw new BistroError('not_found', offMessage);
    forgetIdle();
    const bell = bells.get(id);
    if (!bell) throw new BistroError('not_found', `No demo bell "${id.slice(0, 40)}": it may have been forgotten after an hour idle, or pushed out by newer bells. Make another with POST /demo/bells.`);
    bells.delete(id);
    bell.touchedAt = clock();
    bells.set(id, bell);
    return bell;
  }

  await app.register(async (scope) => {
    // A receiver takes whatever it is sent, as text: the signature covers the exact bytes.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: bellLimits.bodyBytes }, (_request, body, done) => done(null, body));

    scope.post('/demo/bells', async (request, reply) => {
      if (!enabled) throw new BistroError('not_found', offMessage);
      forgetIdle();
      while (bells.size >= bellLimits.bells) bells.delete(bells.keys().next().value as string);
      const id = `bell_${randomBytes(16).toString('base64url')}`;
      bells.set(id, { rings: [], next: 1, touchedAt: clock() });
      return reply.code(201).send({ id, url: ownUrl(request, id) });
    });

    scope.post<{ Params: { id: string } }>('/demo/bells/:id', { bodyLimit: bellLimits.bodyBytes }, async (request, reply) => {
      const bell = bellOf(request.params.id);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (name.startsWith('webhook-') && value !== undefined) headers[name] = Array.isArray(value) ? value.join(' ') : value;
      }
      const body = typeof request.body === 'string' ? request.body : '';
      bell.rings.push({ n: bell.next++, at: new Date(clock()).toISOString(), headers, body });
      if (bell.rings.length > bellLimits.ringsPerBell) bell.rings.splice(0, bell.rings.length - bellLimits.ringsPerBell);
      return reply.code(204).send();
    });

    scope.get<{ Params: { id: string }; Querystring: { after?: string } }>('/demo/bells/:id', async (request) => {
      const bell = bellOf(request.params.id);
      const after = request.query.after === undefined ? 0 : Number(request.query.after);
      if (!Number.isInteger(after) || after < 0) throw new BistroError('validation_failed', '`after` is the number of the last ring seen: a whole number, 0 or more.');
      return { rings: bell.rings.filter((ring) => ring.n > after) };
    });
  });
}
