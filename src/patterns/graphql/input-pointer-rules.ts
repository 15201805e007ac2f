/**
 * Field pointers for GraphQL input the schema refuses. In validation, one rule reports each field's
 * argument problems as one `validation_failed` error with pointers (a BistroError, as the core's own
 * validation throws), and the graphql-js rules that would report the same problems without pointers
 * stay quiet about that field. variable-pointers.ts does the same for variables at run time.
 */
import {
  GraphQLError,
  KnownArgumentNamesRule,
  ProvidedRequiredArgumentsRule,
  ValuesOfCorrectTypeRule,
  visit,
  type ASTNode,
  type ASTVisitor,
  type FieldNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { BistroError, fieldErrorSummary, type FieldError } from '../../core/core.ts';
import { argumentErrors } from './input-pointers.ts';

/** Per validation run: the nodes of fields whose argument problems were reported with pointers. */
const explained = new WeakMap<ValidationContext, Set<ASTNode>>();

/** One error per field, carrying every problem of its arguments, as the core's validation does per call. */
export function pointerError(field: FieldNode, errors: FieldError[], prefix: string): GraphQLError {
  const message = prefix + fieldErrorSummary(errors);
  return new GraphQLError(message, { nodes: field, originalError: new BistroError('validation_failed', message, errors) });
}

function FieldArgumentPointersRule(context: ValidationContext): ASTVisitor {
  const nodes = new Set<ASTNode>();
  explained.set(context, nodes);
  return {
    Field(node) {
      const field = context.getFieldDef();
      if (!field) return;
      const errors = argumentErrors(field, node);
      if (errors.length === 0) return;
      nodes.add(node);
      for (const argument of node.arguments ?? []) visit(argument, { enter: (inner) => void nodes.add(inner) });
      context.reportError(pointerError(node, errors, `Invalid arguments for ${node.name.value}: `));
    },
  };
}

/**
 * The rule, except that errors about a field already explained with pointers are dropped. A context
 * whose reportError filters is the only seam graphql-js offers; everything else is the real context.
 */
function quietWhereExplained(rule: ValidationRule): ValidationRule {
  return (context) => {
    const reportError = (error: GraphQLError) => {
      const nodes = explained.get(context);
      const covered = nodes !== undefined && error.nodes !== undefined && error.nodes.length > 0 && error.nodes.every((node) => nodes.has(node));
      if (!covered) context.reportError(error);
    };
    return rule(Object.create(context, { reportError: { value: reportError } }) as ValidationContext);
  };
}

/** Literal arguments: unknown, missing or wrong ones (and unknown input fields, bad enums) come with pointers. */
const withPointers = new Set<ValidationRule>([ValuesOfCorrectTypeRule, KnownArgumentNamesRule, ProvidedRequiredArgumentsRule]);

export function withInputPointers(rules: readonly ValidationRule[]): ValidationRule[] {
  return [FieldArgumentPointersRule, ...rules.map((rule) => (withPointers.has(rule) ? quietWhereExplained(rule) : rule))];
}
