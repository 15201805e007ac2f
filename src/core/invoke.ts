/**
 * invoke(operation, input, principal): the one way any pattern changes or reads Bistro.
 * Authorize, validate, run the handler in one transaction that also appends its events
 * (a transactional outbox), then tell the commit listeners.
 */
import { changesSubject, type LoggedEvent, type NewEvent } from '../domain/events.ts';
import { BistroError } from '../domain/errors.ts';
import type { Principal } from '../domain/roles.ts';
import type { Catalogue } from './catalogue.ts';
import { claimKey, completeKey, releaseKey, requestHash } from './idempotency.ts';
import { newId } from './ids.ts';
import type { AnyOperation, CheckContext, InputOf, OperationContext, OperationMap, OutputOf } from './operation.ts';
import type { EventToAppend, Store, StoreSession } from './store.ts';
import type { CallPattern, Metrics } from './metrics.ts';

export const eventSource = '/bistro';

export interface InvokeOptions {
  /**
   * The change tags the caller read (REST If-Match, a list): the change goes through only if the
   * resource is still at one of them, else `version_mismatch`. Checked once the handler has found
   * the resource, so a resource the caller may not see stays `not_found`.
   */
  ifMatch?: readonly number[] | undefined;
  /** Which pattern calls, for the metrics. @default internal */
  via?: CallPattern | undefined;
  /** The request that asked (its `x-request-id`): remembered with the events it causes, and so with their webhook deliveries. */
  requestId?: string | undefined;
}

export interface InvokeResult {
  output: unknown;
  /** True when an idempotency key replayed an earlier answer. */
  replayed: boolean;
  /**
   * The change tag of the one resource the operation read or changed: the sequence of the last
   * event that changed it, as it was when this answer was made (a replay repeats the first one's). Absent for lists.
   */
  tag?: number | undefined;
}

export type Invoke = (name: string, input: unknown, principal: Principal, options?: InvokeOptions) => Promise<InvokeResult>;

/**
 * `invoke` for callers that name the operation in code (the auto kitchen, tests): the input is
 * checked against the operation's schema type and the output comes typed, no cast needed.
 * Patterns dispatch by names they read off the wire, so they keep the untyped `Invoke`.
 */
export type TypedInvoke<M extends OperationMap> = <N extends keyof M & string>(
  name: N,
  input: InputOf<M[N]>,
  principal: Principal,
  options?: InvokeOptions,
) => Promise<Omit<InvokeResult, 'output'> & { output: OutputOf<M[N]> }>;

/** The same function, typed: `invoke` validates every input against the very schemas the types come from. */
export function typedInvoke<M extends OperationMap>(invoke: Invoke): TypedInvoke<M> {
  return invoke as TypedInvoke<M>;
}

/** Told of every commit's events (possibly none) after the COMMIT. */
export type CommitListener = (events: readonly LoggedEvent[]) => void;

export interface InvokerDeps {
  store: Store;
  catalogue: Catalogue;
  /** Run after each COMMIT, in order; one that throws is logged and the others still run. */
  commitListeners: readonly CommitListener[];
  logError: (error: unknown, where: string) => void;
  clock: () => Date;
  targetProblem: CheckContext['targetProblem'];
  metrics: Pick<Metrics, 'operationEnded'>;
}

export function toAppend(event: NewEvent, time: string, requestId?: string): EventToAppend {
  return {
    requestId: requestId ?? null,
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

/** The tag this command leaves `subject` with: its last change appended here, else what the log says. */
async function tagAfterCommit(session: StoreSession, subject: string, appended: readonly LoggedEvent[]): Promise<number> {
  const last = appended.findLast(({ event }) => event.subject === subject && changesSubject(event.type));
  return last ? Number(last.event.sequence) : session.events.lastChangeOf(subject);
}

/** A committed write stays a success whatever a listener does: the client must not retry it. */
export function notifyCommit(commitListeners: readonly CommitListener[], events: readonly LoggedEvent[], logError: InvokerDeps['logError']): void {
  for (const listener of commitListeners) {
    try {
      listener(events);
    } catch (error) {
      logError(error, 'commit listener');
    }
  }
}

export function createInvoker({ store, catalogue, commitListeners, logError, clock, targetProblem, metrics }: InvokerDeps): Invoke {
  const notify = (events: readonly LoggedEvent[]) => notifyCommit(commitListeners, events, logError);

  async function runQuery(operation: AnyOperation, input: Record<string, unknown>, context: OperationContext): Promise<InvokeResult> {
    // The tag is read before the resource: a change in between makes the tag older than the body,
    // which costs a client one extra download, never a wrong "not modified".
    const subject = operation.subjectOf?.(input, undefined);
    const tag = subject === undefined ? undefined : await store.events.lastChangeOf(subject);
    return { output: await operation.handler(context, input), replayed: false, tag };
  }

  /** Every call is counted and timed, by the pattern that made it; a name the catalogue lacks counts as `unknown`, so clients cannot grow the label set. */
  const invoke: Invoke = async (name, rawInput, principal, options = {}) => {
    const started = performance.now();
    const operation = catalogue.get(name) === undefined ? 'unknown' : name;
    try {
      const result = await run(name, rawInput, principal, options);
      metrics.operationEnded(options.via ?? 'internal', operation, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      const outcome = error instanceof BistroError ? error.code : 'internal_error';
      metrics.operationEnded(options.via ?? 'internal', operation, outcome, (performance.now() - started) / 1000);
      throw error;
    }
  };
  return invoke;

  async function run(name: string, rawInput: unknown, principal: Principal, options: InvokeOptions): Promise<InvokeResult> {
    const entry = catalogue.get(name);
    if (!entry) throw new BistroError('not_found', `There is no operation "${name}".`);
    const { operation, validate } = entry;
    if (!operation.roles.includes(principal.role)) {
      throw principal.role === 'anonymous' ? new BistroError('unauthorized') : new BistroError('forbidden', `A ${principal.role} may not call ${name}.`);
    }
    const input = (rawInput ?? {}) as Record<string, unknown>;
    validate(input);
    await operation.check?.({ principal, targetProblem }, input);

    const now = clock();
    const nowIso = now.toISOString();
    const context = (session: StoreSession, events: NewEvent[]): OperationContext => ({
      principal,
      store: session,
      now: nowIso,
      requestId: options.requestId,
      newId: (prefix) => newId(prefix, now.getTime()),
      emit: (event) => {
        if (operation.kind === 'query') throw new Error(`query ${name} tried to emit ${event.type}`);
        events.push(event);
      },
    });

    if (operation.kind === 'query') return runQuery(operation, input, context(store, []));

    const key = operation.idempotent ? (input['idempotencyKey'] as string | undefined) : undefined;
    if (key !== undefined) {
      const claim = await claimKey(store, principal.id, key, name, requestHash(name, input), now);
      if (claim.kind === 'replay') return { output: claim.output, replayed: true, tag: claim.tag ?? undefined };
    }

    let committed: { output: unknown; appended: LoggedEvent[]; tag: number | undefined };
    try {
      committed = await store.transaction(async (session) => {
        const events: NewEvent[] = [];
        const output = await operation.handler(context(session, events), input);
        const subject = operation.subjectOf?.(input, output);
        if (options.ifMatch !== undefined) {
          if (subject === undefined) throw new Error(`${name} names no resource, so it cannot honour If-Match`);
          // Before this command's own events are appended: the tag the resource had when the change began.
          if (!options.ifMatch.includes(await session.events.lastChangeOf(subject))) {
            throw new BistroError('version_mismatch', 'The resource changed since you read it: read it again for its current ETag.');
          }
        }
        const appended = await session.events.append(events.map((event) => toAppend(event, nowIso, options.requestId)));
        const tag = subject === undefined ? undefined : await tagAfterCommit(session, subject, appended);
        if (key !== undefined) await completeKey(session, principal.id, key, output, tag);
        return { output, appended, tag };
      });
    } catch (error) {
      if (key !== undefined) await releaseKey(store, principal.id, key);
      throw error;
    }
    // Past this point the write is durable: nothing below may turn it into an error.
    notify(committed.appended);
    return { output: committed.output, replayed: false, tag: committed.tag };
  }
}
