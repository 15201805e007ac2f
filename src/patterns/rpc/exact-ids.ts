/**
 * JSON-RPC ids given back as the client wrote them (spec §5: the response's id is the request's).
 * JSON.parse turns the id 9007199254740993 into …992 and 12345678901234567890123 into
 * 1.2345678901234568e+22. Node 20 has no reviver source text (`context.source` came with Node 22),
 * so for the rare id that is a number but not a safe integer the text is scanned once for that
 * request's raw `id` token. Ordinary ids (strings, safe integers, null) cost one check each.
 */
import { RawNumberId } from '../http/json-rpc.ts';

/** A finite number that a JavaScript number may not give back as written (JSON numbers beyond 1e308 stay Infinity, refused). */
function hasInexactId(request: unknown): boolean {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return false;
  const id = (request as { id?: unknown }).id;
  return typeof id === 'number' && Number.isFinite(id) && !Number.isSafeInteger(id);
}

/** JSON.parse, with each inexact numeric id of a request (or of a batch's requests) replaced by its raw text. Throws as JSON.parse. */
export function parseRpcText(text: string): unknown {
  const message: unknown = JSON.parse(text);
  if (Array.isArray(message) ? message.some(hasInexactId) : hasInexactId(message)) restoreIds(new Scanner(text), message);
  return message;
}

function restoreIds(scanner: Scanner, message: unknown): void {
  scanner.space();
  if (!Array.isArray(message)) {
    restoreId(scanner, message);
    return;
  }
  scanner.expect('[');
  for (const request of message) {
    scanner.space();
    if (hasInexactId(request)) restoreId(scanner, request);
    else scanner.skipValue();
    scanner.space();
    scanner.skipComma();
  }
}

/** Reads one request object from the scanner; the last `id` member wins, as in JSON.parse. */
function restoreId(scanner: Scanner, request: unknown): void {
  let raw: string | undefined;
  scanner.members((key, valueText) => {
    if (key === 'id') raw = valueText;
  });
  if (raw !== undefined && /^-?\d/.test(raw)) (request as { id: unknown }).id = new RawNumberId(raw);
}

/** Walks text that JSON.parse has already accepted, so it checks nothing, only finds where values start and end. */
class Scanner {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  space(): void {
    while (/[ \t\n\r]/.test(this.#text.charAt(this.#at))) this.#at++;
  }

  expect(character: string): void {
    if (this.#text.charAt(this.#at) !== character) throw new Error(`exact-ids: expected ${character} at ${this.#at}`);
    this.#at++;
  }

  skipComma(): void {
    if (this.#text.charAt(this.#at) === ',') this.#at++;
  }

  /** Calls `member` with each key (unescaped) and the raw text of its value. */
  members(member: (key: string, valueText: string) => void): void {
    this.expect('{');
    for (;;) {
      this.space();
      if (this.#at >= this.#text.length) throw new Error('exact-ids: the text ended inside an object');
      if (this.#text.charAt(this.#at) === '}') break;
      const keyStart = this.#at;
      this.#skipString();
      const keyText = this.#text.slice(keyStart, this.#at);
      const key = keyText.includes('\\') ? (JSON.parse(keyText) as string) : keyText.slice(1, -1);
      this.space();
      this.expect(':');
      this.space();
      const valueStart = this.#at;
      this.skipValue();
      member(key, this.#text.slice(valueStart, this.#at));
      this.space();
      this.skipComma();
    }
    this.#at++;
  }

  skipValue(): void {
    const first = this.#text.charAt(this.#at);
    if (first === '"') return this.#skipString();
    if (first !== '{' && first !== '[') {
      while (this.#at < this.#text.length && !/[,\]} \t\n\r]/.test(this.#text.charAt(this.#at))) this.#at++;
      return;
    }
    let depth = 0;
    do {
      if (this.#text.charAt(this.#at) === '"') {
        this.#skipString();
        continue;
      }
      const character = this.#next();
      if (character === '{' || character === '[') depth++;
      else if (character === '}' || character === ']') depth--;
    } while (depth > 0);
  }

  /** Never loops past the end, even if text JSON.parse accepted were somehow cut short. */
  #next(): string {
    if (this.#at >= this.#text.length) throw new Error('exact-ids: the text ended inside a value');
    return this.#text.charAt(this.#at++);
  }

  #skipString(): void {
    this.#at++;
    for (;;) {
      const character = this.#next();
      if (character === '"') return;
      if (character === '\\') this.#at++;
    }
  }
}
