/**
 * What an operation is: declared once with its schemas, roles, REST and GraphQL bindings, and run by
 * `invoke` for every pattern. Operations are the remote control's buttons.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../domain/errors.ts';
import type { NewEvent } from '../domain/events.ts';
import type { Principal, Role } from '../domain/roles.ts';
import type { StoreSession } from './store.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestBinding {
  method: HttpMethod;
  /** OpenAPI-style path: `/orders/{id}`; each `{name}` is an input field. */
  path: string;
  /** Success status; 202 says the work is queued; 204 sends no body. @default 200 */
  status?: 200 | 201 | 202 | 204;
  /** For 201: where the new resource lives. */
  location?: (output: never) => string;
  /** `If-Match` becomes the input's `expectedVersion`; `required` answers 428 without it. */
  ifMatch?: 'optional' | 'required';
  /** Request headers that carry an input field, e.g. `{ 'idempotency-key': 'idempotencyKey' }`. */
  headers?: Record<string, string>;
}

/** How GraphQL serves an operation: a root field on Query (a query) or Mutation (a command). */
export interface GraphqlBinding {
  /** The root field's name, e.g. `placeOrder`; its arguments are the input's fields by name. */
  field: string;
  /** Wraps the input in one argument `input: <type>!`; the fields named in `beside` stay arguments of their own. */
  input?: { type: string; beside?: readonly string[] };
  /** Answers the output page's `items` as a plain list (DESIGN.md §5: `menu` is a list, not a page). */
  items?: true;
}

export interface OperationContext {
  principal: Principal;
  store: StoreSession;
  /** ISO time of this invocation: one clock reading for everything it writes. */
  now: string;
  /** The request that asked, when a pattern knows it (deliveries it queues remember it). */
  requestId: string | undefined;
  newId(prefix: string): string;
  emit(event: NewEvent): void;
}

/** What an operation may ask of the world outside the store, before its transaction (`Operation.check`). */
export interface CheckContext {
  principal: Principal;
  /**
   * Why Bistro may not call this URL (outbound safety, DESIGN.md §7), or undefined. Asked when a
   * webhook endpoint is registered; the sender asks again of the address it connects to.
   */
  targetProblem(url: string): Promise<string | undefined>;
}

export interface Operation<I extends TSchema = TSchema, O extends TSchema = TSchema> {
  name: string;
  summary: string;
  /** `query` runs without a write transaction and may not emit events. */
  kind: 'query' | 'command';
  input: I;
  output: O;
  roles: readonly Role[];
  rest?: RestBinding;
  graphql?: GraphqlBinding;
  /**
   * Anyone may call it and the output depends only on the input and the log: the same for every
   * caller, unchanged until the log grows. Adapters may keep ready-made answers until then.
   */
  sharedRead?: true;
  /**
   * The subject (`orders/ord_…`) of the one resource this operation reads or changes, so core can
   * give its change tag (REST's ETag) and honour If-Match. Queries are asked with no output yet.
   */
  subjectOf?(input: Static<I>, output: Static<O> | undefined): string | undefined;
  /** Accepts `idempotencyKey`: the same key replays the first answer (IETF Idempotency-Key draft). */
  idempotent?: boolean;
  /**
   * Catalogue codes the handler answers that its declaration does not imply (a conflict, a stale
   * cursor). Input, roles, ids, versions and idempotency add theirs by themselves; OpenAPI and
   * OpenRPC document both (patterns/http/operation-errors.ts).
   */
  errors?: readonly ErrorCode[];
  /**
   * Checks of the input that wait on the world (a DNS lookup), run before the transaction opens:
   * a slow answer must never hold a transaction, which on SQLite every other write queues behind.
   */
  check?(context: CheckContext, input: Static<I>): Promise<void>;
  handler(context: OperationContext, input: Static<I>): Promise<Static<O>>;
}

/** Type-erased operation, as the catalogue holds them (handler is a method, so this assignment is allowed). */
export type AnyOperation = Operation<TSchema, TSchema>;

/** Keeps the literal name and the schemas' types, so a typed invoke can look them up by name. */
export function defineOperation<const N extends string, I extends TSchema, O extends TSchema>(operation: Operation<I, O> & { name: N }): Operation<I, O> & { name: N } {
  return operation;
}

export const allRoles: readonly Role[] = ['anonymous', 'guest', 'waiter', 'kitchen', 'admin'];
export const signedIn: readonly Role[] = ['guest', 'waiter', 'kitchen', 'admin'];
export const staff: readonly Role[] = ['waiter', 'kitchen', 'admin'];
export const adminOnly: readonly Role[] = ['admin'];

/** Operations by name: what a typed invoke is typed against. */
export type OperationMap = Record<string, AnyOperation>;

export type InputOf<O> = O extends Operation<infer I, TSchema> ? Static<I> : never;
export type OutputOf<O> = O extends Operation<TSchema, infer Out> ? Static<Out> : never;
