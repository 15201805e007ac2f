/**
 * Where a field's arguments break its GraphQL types, as JSON Pointers into the operation's input
 * (`/items/0/quantity`), the same pointers REST and JSON-RPC give for the same mistake. Checks what
 * graphql-js's coercion checks (unknown and missing fields, null, enums, scalars), for literals and
 * for variable values, and names each problem in the input's terms: the wrapping `input` argument
 * is not a step of the pointer, and an entry of a map-as-list is named by its key.
 */
import {
  Kind,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { type FieldError, pointerToken } from '../../core/core.ts';
import type { EntryExtension } from './catalogue-types.ts';
import type { RootFieldExtension } from './operation-fields.ts';

/** A request's variables and their declarations, when the values are known (at run time). */
export interface VariableValues {
  values: Readonly<Record<string, unknown>>;
  definitions: ReadonlyMap<string, VariableDefinitionNode>;
  /** Filled with the names of the variables whose values were wrong. */
  blamed: Set<string>;
}

type Report = (pointer: string, message: string) => void;

const child = (pointer: string, token: string | number) => `${pointer}/${typeof token === 'number' ? token : pointerToken(token)}`;

function leafProblem(type: GraphQLInputType, check: () => unknown): string | undefined {
  const leaf = getNullableType(type);
  try {
    return check() === undefined ? `is not a valid ${String(leaf)}` : undefined;
  } catch (error) {
    return error instanceof Error ? error.message : `is not a valid ${String(leaf)}`;
  }
}

const mustBeOneOf = (type: GraphQLInputType) => {
  const leaf = getNullableType(type);
  return isEnumType(leaf) ? `must be one of ${leaf.getValues().map((value) => value.name).join(', ')}` : 'is not valid';
};

/** The entry shape of a list's items, if the list stands for a map (adjustments). */
function entryOf(listItem: GraphQLInputType): EntryExtension['entry'] | undefined {
  const item = getNullableType(listItem);
  return isInputObjectType(item) ? (item.extensions as Partial<EntryExtension>).entry : undefined;
}

/** A value from variables (JSON), checked as graphql-js would coerce it. */
function checkValue(type: GraphQLInputType, value: unknown, pointer: string, report: Report): void {
  if (value === null || value === undefined) {
    if (isNonNullType(type)) report(pointer, value === null ? 'must not be null' : 'is required');
    return;
  }
  const inner = getNullableType(type);
  if (isListType(inner)) {
    // GraphQL takes a single value where a list is expected, as a list of one.
    if (!Array.isArray(value)) return checkValue(inner.ofType, value, pointer, report);
    const entry = entryOf(inner.ofType);
    value.forEach((item: unknown, index) => {
      const key = entry && typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[entry.key] : undefined;
      // Anything wrong inside an entry is wrong at its key, as the map the core receives has it.
      const at = typeof key === 'string' ? child(pointer, key) : child(pointer, index);
      checkValue(inner.ofType, item, at, entry ? (_pointer, message) => report(at, message) : report);
    });
    return;
  }
  if (isInputObjectType(inner)) {
    if (typeof value !== 'object' || Array.isArray(value)) return report(pointer, `must be an object (${inner.name})`);
    const fields = inner.getFields();
    const given = value as Record<string, unknown>;
    for (const name of Object.keys(given)) if (!fields[name]) report(child(pointer, name), 'is not a known field');
    for (const field of Object.values(fields)) {
      if (given[field.name] === undefined && field.defaultValue !== undefined) continue;
      checkValue(field.type, given[field.name], child(pointer, field.name), report);
    }
    return;
  }
  if (isEnumType(inner)) {
    if (typeof value !== 'string' || !inner.getValue(value)) report(pointer, mustBeOneOf(inner));
    return;
  }
  const problem = leafProblem(inner, () => inner.parseValue(value));
  if (problem) report(pointer, problem);
}

/** A literal in the document (variables inside it are checked only when their values are known). */
function checkLiteral(type: GraphQLInputType, node: ValueNode, pointer: string, report: Report, variables: VariableValues | undefined): void {
  if (node.kind === Kind.VARIABLE) {
    if (!variables) return;
    const name = node.name.value;
    const definition = variables.definitions.get(name);
    if (!definition) return;
    let blamed = false;
    const blame: Report = (at, message) => {
      blamed = true;
      report(at, message);
    };
    if (name in variables.values) checkValue(type, variables.values[name], pointer, blame);
    else if (!definition.defaultValue && definition.type.kind === Kind.NON_NULL_TYPE) blame(pointer, 'is required');
    if (blamed) variables.blamed.add(name);
    return;
  }
  if (node.kind === Kind.NULL) {
    if (isNonNullType(type)) report(pointer, 'must not be null');
    return;
  }
  const inner = getNullableType(type);
  if (isListType(inner)) {
    if (node.kind !== Kind.LIST) return checkLiteral(inner.ofType, node, pointer, report, variables);
    const entry = entryOf(inner.ofType);
    node.values.forEach((item, index) => {
      const keyNode = entry && item.kind === Kind.OBJECT ? item.fields.find((field) => field.name.value === entry.key)?.value : undefined;
      const at = keyNode?.kind === Kind.STRING ? child(pointer, keyNode.value) : child(pointer, index);
      checkLiteral(inner.ofType, item, at, entry ? (_pointer, message) => report(at, message) : report, variables);
    });
    return;
  }
  if (isInputObjectType(inner)) {
    if (node.kind !== Kind.OBJECT) return report(pointer, `must be an object (${inner.name})`);
    const fields = inner.getFields();
    for (const field of node.fields) {
      const definition = fields[field.name.value];
      if (!definition) report(child(pointer, field.name.value), 'is not a known field');
      else checkLiteral(definition.type, field.value, child(pointer, field.name.value), report, variables);
    }
    for (const field of Object.values(fields)) {
      const given = node.fields.some((candidate) => candidate.name.value === field.name);
      if (!given && field.defaultValue === undefined && isNonNullType(field.type)) report(child(pointer, field.name), 'is required');
    }
    return;
  }
  if (isEnumType(inner)) {
    if (node.kind !== Kind.ENUM || !inner.getValue(node.value)) report(pointer, mustBeOneOf(inner));
    return;
  }
  const problem = leafProblem(inner, () => inner.parseLiteral(node, undefined));
  if (problem) report(pointer, problem);
}

/** Every problem in one field's arguments, as pointers into its operation's input. */
export function argumentErrors(field: GraphQLField<unknown, unknown>, node: FieldNode, variables?: VariableValues): FieldError[] {
  const errors: FieldError[] = [];
  // A set, not a scan of the list: 15,000 bad items once cost 700 ms of CPU comparing each with all before it.
  const reported = new Set<string>();
  const report: Report = (path, message) => {
    const key = `${path}\n${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    errors.push({ path, message });
  };
  const wrapper = (field.extensions as Partial<RootFieldExtension>).inputArgument;
  const base = (name: string) => (name === wrapper ? '' : child('', name));
  for (const argument of node.arguments ?? []) {
    const definition = field.args.find((candidate) => candidate.name === argument.name.value);
    if (!definition) report(base(argument.name.value), 'is not a known field');
    else checkLiteral(definition.type, argument.value, base(definition.name), report, variables);
  }
  for (const definition of field.args) {
    const given = node.arguments?.some((argument) => argument.name.value === definition.name);
    if (!given && definition.defaultValue === undefined && isNonNullType(definition.type)) report(base(definition.name), 'is required');
  }
  return errors;
}
