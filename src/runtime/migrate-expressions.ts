/**
 * Rewrites the JavaScript-style expressions of a stored workflow's nodes as JSONata: condition
 * branches, transform mappings and every `{{ }}` template field. Pure: returns new node data and
 * the list of what could not be converted (that text is kept unchanged, so nothing is lost and
 * the run names the expression that fails). The workflow schema migration and the workflow file
 * import of older versions apply this once.
 */
import {
  convertJsExpression,
  convertJsTemplate,
  type ConversionResult,
} from './convert-expression.ts';
import type { JsonObject, JsonValue } from './types.ts';

export interface ExpressionMigrationProblem {
  nodeId: string;
  field: string;
  error: string;
}

export interface MigratableNode {
  id: string;
  type: string;
  data: JsonObject;
}

/** Template fields per node type (kept here: the runtime does not import the editor registry). */
const TEMPLATE_FIELDS: Record<string, readonly string[]> = {
  llm: ['systemPrompt', 'userPrompt'],
  http: ['url', 'body'],
  kb_retrieval: ['query'],
  transform: ['template'],
};

export function migrateNodeExpressions<T extends MigratableNode>(
  node: T,
): { node: T; problems: ExpressionMigrationProblem[] } {
  const problems: ExpressionMigrationProblem[] = [];
  const data: JsonObject = { ...node.data };
  const apply = (field: string, text: string, result: ConversionResult): string => {
    if (result.ok) return result.expression;
    problems.push({ nodeId: node.id, field, error: result.error });
    return text;
  };

  for (const field of TEMPLATE_FIELDS[node.type] ?? []) {
    const value = data[field];
    if (typeof value === 'string' && value.includes('{{')) {
      data[field] = apply(field, value, convertJsTemplate(value));
    }
  }
  if (node.type === 'http' && typeof data['headers'] === 'string') {
    data['headers'] = migrateJsonText(
      data['headers'],
      (text) => convertJsTemplate(text),
      'headers',
      apply,
    );
  }
  if (node.type === 'transform' && typeof data['mapping'] === 'string') {
    data['mapping'] = migrateJsonText(
      data['mapping'],
      (text) => convertJsExpression(text, 'value'),
      'mapping',
      apply,
    );
  }
  if (node.type === 'condition' && Array.isArray(data['branches'])) {
    data['branches'] = data['branches'].map((branch, index): JsonValue => {
      if (!branch || typeof branch !== 'object' || Array.isArray(branch)) return branch;
      const expression = branch['expression'];
      if (typeof expression !== 'string' || expression.trim() === '') return branch;
      const field = `branches[${index}].expression`;
      return {
        ...branch,
        expression: apply(field, expression, convertJsExpression(expression, 'condition')),
      };
    });
  }
  return { node: { ...node, data }, problems };
}

/** Converts the string values of a JSON object kept as text; malformed JSON is left alone. */
function migrateJsonText(
  text: string,
  convert: (value: string) => ConversionResult,
  field: string,
  apply: (field: string, text: string, result: ConversionResult) => string,
): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return text;
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const next =
      typeof value === 'string' && value.trim() !== ''
        ? apply(`${field}.${key}`, value, convert(value))
        : value;
    changed ||= next !== value;
    Object.defineProperty(out, key, {
      value: next,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  // Unchanged text keeps the user's own formatting.
  return changed ? JSON.stringify(out, null, 2) : text;
}

export function migrateWorkflowExpressions<T extends MigratableNode>(
  nodes: readonly T[],
): { nodes: T[]; problems: ExpressionMigrationProblem[] } {
  const problems: ExpressionMigrationProblem[] = [];
  const migrated = nodes.map((node) => {
    const result = migrateNodeExpressions(node);
    problems.push(...result.problems);
    return result.node;
  });
  return { nodes: migrated, problems };
}
