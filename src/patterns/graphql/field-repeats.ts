/**
 * How often one response name is selected at one place of a document, fragments counted where
 * they are spread, and how many fragments are spread there. graphql-js's
 * OverlappingFieldsCanBeMergedRule compares every pair of fields that meet at one place, and every
 * pair of fragments spread there, so its work grows with the square of these counts: 499 ×
 * `menu { id }` (6 KB, inside every other limit) cost 40–130 ms of CPU before this limit refused it.
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export interface Repeats {
  /** The most selections one response name (or the fragment spreads) has at one place. */
  most: number;
  /** What was repeated, for the error message: `selections of "menu"`, or `fragment spreads`. */
  what: string;
  /** The walk gave up past `selectionBudget` selections: the document is refused whatever its repeats. */
  exhausted: boolean;
}

/**
 * Selections the walk visits at most. Outside introspection every selection counts at least 1 in
 * the cost (default limit 20000), so only a fragment bomb inside `__schema` reaches this.
 */
export const selectionBudget = 20_000;

class Stop extends Error {}

/** A selection set to collect, and the fragments whose spreading led to it (a cycle spreads one of them again). */
interface Reached {
  set: SelectionSetNode;
  via: ReadonlySet<string>;
}

const none: ReadonlySet<string> = new Set();

/**
 * Walks each operation place by place: a place is the selection sets whose fields merge (a field's
 * own set and those of every same-named field beside it). A fragment is spread once per place
 * (graphql-js compares a fragment with itself for free), and a spread inside its own expansion is
 * a cycle, skipped here (validation reports it). Stops as soon as a count passes `stopAbove`, so a
 * refused document costs no more than that.
 */
export function countRepeats(document: DocumentNode, stopAbove: number): Repeats {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const result: Repeats = { most: 0, what: '', exhausted: false };
  let budget = selectionBudget;

  function counted(count: number, what: () => string): void {
    if (count <= result.most) return;
    result.most = count;
    result.what = what();
    if (count > stopAbove) throw new Stop();
  }

  function place(reached: readonly Reached[]): void {
    const children = new Map<string, Reached[]>();
    const counts = new Map<string, number>();
    const spreadHere = new Set<string>();

    function collect({ set, via }: Reached): void {
      for (const selection of set.selections) {
        if (--budget < 0) {
          result.exhausted = true;
          throw new Stop();
        }
        if (selection.kind === Kind.FIELD) {
          const name = (selection.alias ?? selection.name).value;
          const count = (counts.get(name) ?? 0) + 1;
          counts.set(name, count);
          counted(count, () => `selections of "${name}"`);
          if (selection.selectionSet) {
            const child = { set: selection.selectionSet, via };
            const list = children.get(name);
            if (list) list.push(child);
            else children.set(name, [child]);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect({ set: selection.selectionSet, via });
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || via.has(name) || spreadHere.has(name)) continue;
          spreadHere.add(name);
          counted(spreadHere.size, () => 'fragment spreads');
          collect({ set: fragment.selectionSet, via: new Set([...via, name]) });
        }
      }
    }

    for (const one of reached) collect(one);
    for (const sets of children.values()) place(sets);
  }

  try {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) place([{ set: definition.selectionSet, via: none }]);
    }
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  return result;
}
