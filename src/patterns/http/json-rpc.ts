/**
 * The JSON-RPC engine as its transports see it. The RPC pattern implements it
 * (`patterns/rpc/rpc-dispatcher.ts`); the composition root makes one and hands the same instance
 * to `POST /rpc` and to the WebSocket at `/ws`, so both answer every call alike without one
 * pattern importing the other.
 */
import type { BistroError, CallPattern, ErrorCode, JsonObject, Principal, WireFieldError } from '../../core/core.ts';

/**
 * A numeric id kept as the client wrote it, because a JavaScript number would not give it back
 * exactly (9007199254740993, 1.10, 1e-7): the dispatcher's `stringify` writes `json` as it is.
 */
export class RawNumberId {
  readonly json: string;

  constructor(json: string) {
    this.json = json;
  }

  /** Only for a serialiser other than the dispatcher's, which would otherwise write an object. */
  toJSON(): number {
    return Number(this.json);
  }
}

export type RpcId = string | number | RawNumberId | null;

export interface RpcErrorData {
  /** The catalogue code, as REST's problem `code` and GraphQL's `extensions.code`. */
  code?: ErrorCode;
  detail?: string;
  errors?: WireFieldError[];
  /** The error's details, such as a resync's `head` cursor. */
  [member: string]: unknown;
}

export interface RpcError {
  code: number;
  message: string;
  data?: RpcErrorData;
}

export type RpcResponse = { jsonrpc: '2.0'; result: unknown; id: RpcId } | { jsonrpc: '2.0'; error: RpcError; id: RpcId };
/** One response, or a batch's responses (never an empty array: §6 says send nothing instead). */
export type RpcReply = RpcResponse | RpcResponse[];

/** Who is calling: a principal, or a way to find one, asked at most once per message and only if a call needs it. */
export type PrincipalSource = Principal | (() => Promise<Principal>);

/**
 * A method only one transport offers (the WebSocket's `events.subscribe`): not a catalogue
 * operation, but called, batched and answered like one. A `BistroError` it throws becomes the
 * usual error object.
 */
export interface TransportMethod {
  run(params: Record<string, unknown>, principal: Principal): Promise<unknown>;
  /** Its OpenRPC method object, added to `rpc.discover` on that transport. */
  describe: JsonObject;
}

export interface RpcContext {
  principal: PrincipalSource;
  /** Which pattern carries the calls (metrics), and each call's request id: HTTP's, or the socket's with the call's number. */
  via?: CallPattern;
  requestId?(): string;
  /** Told of every internal error; the client hears only -32603 "Internal error". */
  logError(error: unknown, method: string): void;
  /** Methods this transport adds, by name; the catalogue's operations are always there. */
  methods?: ReadonlyMap<string, TransportMethod>;
}

export interface RpcEndpoint {
  /** `text` as a JSON-RPC message, numeric ids kept exactly as sent (`RawNumberId`); throws on invalid JSON. */
  parse(text: string): unknown;
  /** Parses `text` first: invalid JSON answers -32700 with `id: null`. Never rejects. */
  handleText(text: string, context: RpcContext): Promise<RpcReply | undefined>;
  /** A message already parsed from JSON: one request object or a batch array. Never rejects. */
  handleMessage(message: unknown, context: RpcContext): Promise<RpcReply | undefined>;
  /** The reply as JSON text, with ready-made results spliced in. */
  stringify(reply: RpcReply): string;
  /** -32600 for a message that is not JSON-RPC text at all (a binary WebSocket frame). */
  invalidRequest(detail: string): RpcResponse;
  /** `error` as the answer to every call of a parsed message that is not run (a spent rate limit), each with its id; notifications get none. */
  refuse(message: unknown, error: BistroError): RpcReply | undefined;
}
