/**
 * invoke(operation, input, principal): the one way any pattern changes or reads Bistro.
 * Authorize, validate, run the handler in one transaction that also appends its events
 * (a transactional outbox), then ring the commit listeners.
 */
import type { NewEvent, CloudEvent } from '../domain/events.ts';
import { BistroError } from '../domain/errors.ts';
import type { Principal } from '../domain/roles.ts';
import type { Catalogue } from './catalogue.ts';
import { claimKey, completeKey, releaseKey, requestHash } from './idempotency.ts';
import { newId } from './ids.ts';
import type { OperationContext } from './operation.ts';
import type { EventToAppend, Store, StoreSession } from './store.ts';

export const eventSource = '/bistro';

export interface InvokeResult {
  output: unknown;
  /** True when an idempotency key replayed an earlier answer. */
  replayed: boolean;
}

export type Invoke = (name: string, input: unknown, principal: Principal) => Promise<InvokeResult>;

export interface InvokerDeps {
  store: Store;
  catalogue: Catalogue;
  /** Called after each commit with the events it appended (possibly none). Must not throw. */
  onCommit: (events: readonly CloudEvent[]) => void;
  clock?: () => Date;
}

function toAppend(event: NewEvent, time: string): EventToAppend {
  return {
    specversion: '1.0',
    id: newId('evt'),
    source: eventSource,
    type: event.type,
    subject: event.subject,
    time,
    datacontenttype: 'application/json',
    data: event.data,
    audience: event.audience,
  };
}

export function createInvoker({ store, catalogue, onCommit, clock = () => new Date() }: InvokerDeps): Invoke {
  return async function invoke(name, rawInput, principal) {
    const entry = catalogue.get(name);
    if (!entry) throw new BistroError('not_found', `There is no operation "${name}".`);
    const { operation, validate } = entry;
    if (!operation.roles.includes(principal.role)) {
      throw principal.role === 'anonymous' ? new BistroError('unauthorized') : new BistroError('forbidden', `A ${principal.role} may not call ${name}.`);
    }
    const input = (rawInput ?? {}) as Record<string, unknown>;
    validate(input);

    const now = clock();
    const context = (session: StoreSession, events: NewEvent[]): OperationContext => ({
      principal,
      store: session,
      now: now.toISOString(),
      newId,
      emit: (event) => {
        if (operation.kind === 'query') throw new Error(`query ${name} tried to emit ${event.type}`);
        events.push(event);
      },
    });

    if (operation.kind === 'query') {
      return { output: await operation.handler(context(store, []), input), replayed: false };
    }

    const key = operation.idempotent ? (input['idempotencyKey'] as string | undefined) : undefined;
    if (key !== undefined) {
      const claim = await claimKey(store, principal.id, key, name, requestHash(name, input), now);
      if (claim.kind === 'replay') return { output: claim.output, replayed: true };
    }

    try {
      const { output, appended } = await store.transaction(async (session) => {
        const events: NewEvent[] = [];
        const result = await operation.handler(context(session, events), input);
        if (key !== undefined) await completeKey(session, principal.id, key, result);
        const stamped = await session.events.append(events.map((event) => toAppend(event, now.toISOString())));
        return { output: result, appended: stamped };
      });
      onCommit(appended);
      return { output, replayed: false };
    } catch (error) {
      if (key !== undefined) await releaseKey(store, principal.id, key);
      throw error;
    }
  };
}
