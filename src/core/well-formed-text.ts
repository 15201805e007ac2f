/**
 * Text must be well-formed Unicode. JSON can carry a lone UTF-16 surrogate (`"\ud800"`), which no
 * UTF-8 column or answer can hold: it was acknowledged as sent and read back as U+FFFD. Refused
 * instead, so what is acknowledged is what is stored.
 */
import { pointerToken, type FieldError } from '../domain/errors.ts';

/** In a `u` regular expression a pair is one code point, so this finds only a surrogate alone (same as `!isWellFormed()`). */
const loneSurrogate = /\p{Cs}/u;
const loneSurrogates = /\p{Cs}/gu;

export const notWellFormed = 'is not well-formed Unicode text (it has a lone UTF-16 surrogate)';

/**
 * Every string in `value`, and every member name, that is not well-formed, with its JSON Pointer.
 * Iterative, so no nesting can exhaust the stack.
 */
export function malformedText(value: unknown): FieldError[] {
  const found: FieldError[] = [];
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let index = 0; index < pending.length; index += 1) {
    const { value: current, path } = pending[index] as { value: unknown; path: string };
    if (typeof current === 'string') {
      if (loneSurrogate.test(current)) found.push({ path, message: notWellFormed });
    } else if (Array.isArray(current)) {
      current.forEach((item: unknown, position) => pending.push({ value: item, path: `${path}/${position}` }));
    } else if (typeof current === 'object' && current !== null) {
      for (const [name, member] of Object.entries(current)) {
        if (loneSurrogate.test(name)) {
          // The pointer cannot repeat the name as it is: the answer would carry the same lone surrogate.
          found.push({ path: `${path}/${pointerToken(name.replace(loneSurrogates, '\uFFFD'))}`, message: `is a name that ${notWellFormed}` });
        } else {
          pending.push({ value: member, path: `${path}/${pointerToken(name)}` });
        }
      }
    }
  }
  return found;
}
