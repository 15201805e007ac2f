/**
 * Limits against abusive documents, measured on the AST before the (costlier) validation runs:
 * depth, aliases, directives, repeats of one field at one place (field-repeats.ts) and a static cost. Fragments are expanded where they are spread
 * (memoised, so a fragment bomb costs linear time to measure) and cycles are cut here; the
 * validation that runs next rejects them properly.
 */
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { selectionBudget, type Repeats } from './field-repeats.ts';

export interface GraphqlLimits {
  graphqlMaxDepth: number;
  graphqlMaxAliases: number;
  graphqlMaxDirectives: number;
  graphqlMaxRepeats: number;
  graphqlMaxCost: number;
}

/** A list field with no `limit` argument (a menu, an order's items) is counted as this many entries. */
export const defaultListSize = 10;

/**
 * Introspection has a depth limit of its own, so its subtree does not count towards depth or cost
 * (the standard introspection query is 13 levels deep). Only the field name counts: an alias or a
 * fragment called `__schema` is measured like any other.
 */
const introspectionFields = new Set(['__schema', '__type']);

/**
 * Deepest `__schema`/`__type` subtree. graphql-js's MaxIntrospectionDepthRule does not count
 * `ofType`, and graphql-jit's compilation grows faster than the depth: a 1 KB
 * `__type { ofType { ofType … } }` 300 levels deep took 130 ms of CPU to compile.
 */
export const maxIntrospectionDepth = 20;

export interface Measurement {
  depth: number;
  /** The deepest `__schema`/`__type` subtree, counted from that field. */
  introspectionDepth: number;
  aliases: number;
  directives: number;
  cost: number;
  /** The cost read a variable (a `limit: $n`), so it must be measured again for each request. */
  costUsesVariables: boolean;
}

interface Shape {
  depth: number;
  introspectionDepth: number;
  aliases: number;
  directives: number;
}

export function measureDocument(
  document: DocumentNode,
  schema: GraphQLSchema,
  defaultLimits: ReadonlyMap<string, number>,
  variables: Readonly<Record<string, unknown>> | undefined,
): Measurement {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const shapes = new Map<string, Shape>();
  const costs = new Map<string, number>();
  const inProgress = new Set<string>();
  let costUsesVariables = false;
  let operation: OperationDefinitionNode | undefined;

  function fragmentShape(name: string): Shape {
    const known = shapes.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return { depth: 0, introspectionDepth: 0, aliases: 0, directives: 0 };
    inProgress.add(name);
    const inner = shapeOf(fragment.selectionSet);
    inProgress.delete(name);
    const shape = { ...inner, directives: inner.directives + (fragment.directives?.length ?? 0) };
    shapes.set(name, shape);
    return shape;
  }

  function shapeOf(set: SelectionSetNode): Shape {
    const total: Shape = { depth: 0, introspectionDepth: 0, aliases: 0, directives: 0 };
    for (const selection of set.selections) {
      let inner: Shape = { depth: 0, introspectionDepth: 0, aliases: 0, directives: 0 };
      if (selection.kind === Kind.FIELD) {
        if (selection.selectionSet) inner = shapeOf(selection.selectionSet);
        const exempt = introspectionFields.has(selection.name.value);
        inner = {
          depth: exempt ? 1 : inner.depth + 1,
          // Below __schema every field (types, ofType …) counts towards depth, so depth + 1 is the subtree's.
          introspectionDepth: exempt ? Math.max(inner.depth + 1, inner.introspectionDepth) : inner.introspectionDepth,
          aliases: inner.aliases + (selection.alias ? 1 : 0),
          directives: inner.directives,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = shapeOf(selection.selectionSet);
      } else {
        inner = fragmentShape(selection.name.value);
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.introspectionDepth = Math.max(total.introspectionDepth, inner.introspectionDepth);
      total.aliases += inner.aliases;
      total.directives += inner.directives + (selection.directives?.length ?? 0);
    }
    return total;
  }

  function limitValue(node: ValueNode): number | undefined {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind !== Kind.VARIABLE) return undefined;
    costUsesVariables = true;
    const given = variables?.[node.name.value];
    if (typeof given === 'number') return given;
    const declared = operation?.variableDefinitions?.find((definition) => definition.variable.name.value === node.name.value);
    return declared?.defaultValue ? limitValue(declared.defaultValue) : undefined;
  }

  /** The `limit` a field asks for: its argument, else its schema default, else the operation's default. */
  function requestedLimit(field: FieldNode, parent: GraphQLNamedType | undefined): number | undefined {
    const definition = isObjectType(parent) ? parent.getFields()[field.name.value] : undefined;
    if (!definition?.args.some((argument) => argument.name === 'limit')) return undefined;
    const argument = field.arguments?.find((candidate) => candidate.name.value === 'limit');
    const given = argument ? limitValue(argument.value) : undefined;
    if (given !== undefined && Number.isFinite(given) && given > 0) return given;
    const fromSchema = definition.args.find((candidate) => candidate.name === 'limit')?.defaultValue;
    if (typeof fromSchema === 'number') return fromSchema;
    return defaultLimits.get(`${parent?.name ?? ''}.${field.name.value}`) ?? defaultListSize;
  }

  /** Each field costs 1, times the entries of every list it sits in; a page's `limit` sizes the list inside it. */
  function costOf(set: SelectionSetNode, parent: GraphQLNamedType | undefined, pending: number | undefined): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += costOf(selection.selectionSet, condition ?? undefined, pending);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const key = `${name}|${pending ?? ''}`;
        const fragment = fragments.get(name);
        if (!fragment || inProgress.has(name)) continue;
        let cost = costs.get(key);
        if (cost === undefined) {
          inProgress.add(name);
          cost = costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, pending);
          inProgress.delete(name);
          costs.set(key, cost);
        }
        total += cost;
      } else if (introspectionFields.has(selection.name.value) || !selection.selectionSet) {
        total += 1;
      } else {
        const definition = isObjectType(parent) ? parent.getFields()[selection.name.value] : undefined;
        const own = requestedLimit(selection, parent);
        const isList = definition !== undefined && isListType(getNullableType(definition.type));
        const factor = isList ? (own ?? pending ?? defaultListSize) : 1;
        const child = definition ? getNamedType(definition.type) : undefined;
        total += factor * (1 + costOf(selection.selectionSet, child, isList ? undefined : own));
      }
    }
    return total;
  }

  const result: Measurement = { depth: 0, introspectionDepth: 0, aliases: 0, directives: 0, cost: 0, costUsesVariables: false };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    operation = definition;
    const shape = shapeOf(definition.selectionSet);
    const operationDirectives = (definition.directives?.length ?? 0) + (definition.variableDefinitions ?? []).reduce((sum, variable) => sum + (variable.directives?.length ?? 0), 0);
    const root = schema.getRootType(definition.operation) ?? undefined;
    result.depth = Math.max(result.depth, shape.depth);
    result.introspectionDepth = Math.max(result.introspectionDepth, shape.introspectionDepth);
    result.aliases = Math.max(result.aliases, shape.aliases);
    result.directives = Math.max(result.directives, shape.directives + operationDirectives);
    result.cost = Math.max(result.cost, costOf(definition.selectionSet, root, undefined));
  }
  result.costUsesVariables = costUsesVariables;
  return result;
}

function limitError(limit: string, message: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'validation_failed', limit, max, actual } });
}

/** The shape limits (depth, aliases, directives): fixed for a document whatever its variables. */
export function shapeErrors(measured: Measurement, limits: GraphqlLimits): GraphQLError[] {
  const errors: GraphQLError[] = [];
  if (measured.depth > limits.graphqlMaxDepth) {
    errors.push(limitError('depth', `The query is ${measured.depth} levels deep; at most ${limits.graphqlMaxDepth} are allowed.`, limits.graphqlMaxDepth, measured.depth));
  }
  if (measured.introspectionDepth > maxIntrospectionDepth) {
    errors.push(limitError('depth', `The introspection is ${measured.introspectionDepth} levels deep; at most ${maxIntrospectionDepth} are allowed.`, maxIntrospectionDepth, measured.introspectionDepth));
  }
  if (measured.aliases > limits.graphqlMaxAliases) {
    errors.push(limitError('aliases', `The query uses ${measured.aliases} aliases; at most ${limits.graphqlMaxAliases} are allowed.`, limits.graphqlMaxAliases, measured.aliases));
  }
  if (measured.directives > limits.graphqlMaxDirectives) {
    errors.push(limitError('directives', `The query uses ${measured.directives} directives; at most ${limits.graphqlMaxDirectives} are allowed.`, limits.graphqlMaxDirectives, measured.directives));
  }
  return errors;
}

/** Too many selections of one field, or fragment spreads, at one place; or a walk that had to give up. */
export function repeatsError(repeats: Repeats, limits: GraphqlLimits): GraphQLError | undefined {
  if (repeats.exhausted) {
    return limitError('repeats', `The query selects more than ${selectionBudget} fields once its fragments are spread.`, selectionBudget, selectionBudget + 1);
  }
  if (repeats.most <= limits.graphqlMaxRepeats) return undefined;
  // The count stopped just past the limit, so `actual` is a lower bound, as the message says.
  return limitError(
    'repeats',
    `The query has ${repeats.most} or more ${repeats.what} in one place; at most ${limits.graphqlMaxRepeats} are allowed. Ask for each field once.`,
    limits.graphqlMaxRepeats,
    repeats.most,
  );
}

export function costError(cost: number, limits: GraphqlLimits): GraphQLError | undefined {
  if (cost <= limits.graphqlMaxCost) return undefined;
  return limitError('cost', `The query costs ${cost}; at most ${limits.graphqlMaxCost} is allowed. Ask for fewer entries (limit) or fewer fields.`, limits.graphqlMaxCost, cost);
}
