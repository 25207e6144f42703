/**
 * The nodes that only compute: condition (routes to the first branch whose JSONata expression
 * is true), transform (a template or a field mapping) and output (the run's result). They need
 * no network, so they run offline.
 */
import { RuntimeError } from '../errors.ts';
import { evaluateExpression, isTruthy, renderTemplate, valueAsText } from '../expressions.ts';
import type { JsonObject, JsonValue } from '../types.ts';
import { stringField, type NodeExecutor } from './node-context.ts';

interface Branch {
  id: string;
  label: string;
  expression: string;
}

function readBranches(data: JsonObject): Branch[] {
  const raw = data['branches'];
  if (!Array.isArray(raw)) throw new RuntimeError('The condition has no list of branches.');
  return raw.map((item, index) => {
    if (
      !item ||
      typeof item !== 'object' ||
      Array.isArray(item) ||
      typeof item['id'] !== 'string'
    ) {
      throw new RuntimeError(`Branch ${index + 1} of the condition is malformed.`);
    }
    return {
      id: item['id'],
      label: typeof item['label'] === 'string' && item['label'] !== '' ? item['label'] : item['id'],
      expression: typeof item['expression'] === 'string' ? item['expression'] : '',
    };
  });
}

export const runCondition: NodeExecutor = async (context) => {
  for (const branch of readBranches(context.node.data)) {
    if (branch.expression.trim() === '')
      throw new RuntimeError(`Branch "${branch.label}" has no expression.`);
    let value: JsonValue | undefined;
    try {
      value = await evaluateExpression(
        branch.expression,
        context.scope,
        context.limits,
        context.signal,
      );
    } catch (error) {
      throw new RuntimeError(`Branch "${branch.label}": ${(error as Error).message}`);
    }
    if (isTruthy(value)) {
      return {
        output: context.scope.input,
        handles: [`branch-${branch.id}`],
        details: { branch: branch.id, label: branch.label },
      };
    }
  }
  return {
    output: context.scope.input,
    handles: ['else'],
    details: { branch: 'else', label: 'Otherwise' },
  };
};

export const runTransform: NodeExecutor = async (context) => {
  const { data } = context.node;
  if (stringField(data, 'mode', 'template') !== 'mapping') {
    const template = stringField(data, 'template', '{{input}}');
    return {
      output: await renderTemplate(template, context.scope, context.limits, {
        keepType: true,
        signal: context.signal,
      }),
    };
  }
  let mapping: unknown;
  try {
    mapping = JSON.parse(stringField(data, 'mapping', '{}'));
  } catch (error) {
    throw new RuntimeError(`The field mapping is not valid JSON: ${(error as Error).message}`);
  }
  if (!mapping || typeof mapping !== 'object' || Array.isArray(mapping)) {
    throw new RuntimeError('The field mapping must be a JSON object of target → expression.');
  }
  const output: JsonObject = {};
  for (const [target, expression] of Object.entries(mapping as Record<string, unknown>)) {
    if (typeof expression !== 'string')
      throw new RuntimeError(`Mapping "${target}" must be an expression (text).`);
    let value: JsonValue | undefined;
    try {
      value = await evaluateExpression(expression, context.scope, context.limits, context.signal);
    } catch (error) {
      throw new RuntimeError(`Mapping "${target}": ${(error as Error).message}`);
    }
    // defineProperty: a target named "__proto__" stays a key instead of replacing the prototype.
    Object.defineProperty(output, target, {
      value: value ?? null,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { output };
};

export const runOutput: NodeExecutor = async (context) => {
  const format = stringField(context.node.data, 'format', 'text');
  const value = context.scope.input;
  return { output: format === 'json' ? value : valueAsText(value), details: { format } };
};
