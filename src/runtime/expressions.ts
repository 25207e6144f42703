/**
 * Expressions are data, never code: conditions, transform mappings and `{{ }}` placeholders are
 * JSONata, evaluated in its own interpreter (no eval, no Function, no access to JavaScript
 * objects: a path only reads a value's own JSON properties, so `constructor.constructor`,
 * `globalThis` or `fetch` are just names that find nothing). Every evaluation is bounded: time,
 * depth and sequence length (JSONata's guardrails), the size of any string it builds (checked at
 * every step, so a doubling loop stops at the limit instead of exhausting memory), and regular
 * expressions whose matching time could explode are refused before they run.
 *
 * An expression sees one document: `input` (what arrived on the node's input: one value, or a
 * list when several connections feed it), `inputs` (the same keyed by the label or id of the
 * node each came from) and `trigger` (the run's input).
 */
import jsonata from 'jsonata';
import { RuntimeError } from './errors.ts';
import { toJsonValue } from './json-value.ts';
import type { RuntimeLimits } from './limits.ts';
import type { JsonObject, JsonValue } from './types.ts';

export interface ExpressionScope {
  input: JsonValue;
  inputs: JsonObject;
  trigger: JsonValue;
}

export type ExpressionLimits = Pick<
  RuntimeLimits,
  | 'expressionTimeoutMs'
  | 'expressionMaxDepth'
  | 'expressionMaxSequence'
  | 'maxExpressionChars'
  | 'maxTemplateChars'
  | 'maxValueBytes'
>;

export class ExpressionError extends RuntimeError {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Quantifiers that can repeat without bound. */
const UNBOUNDED_QUANTIFIER = /^(?:[*+]|\{\d+,\})/;

/**
 * Refuses patterns whose backtracking can take exponential time (a repeated group that itself
 * repeats, as in `(a+)+`, and back-references). A native regular expression cannot be stopped
 * by the expression time limit once it runs, so it has to be refused before.
 */
export function checkRegexSafety(source: string): string | null {
  if (source.length > 1_000) return 'is too long (at most 1,000 characters)';
  if (/\\[1-9]|\\k</.test(source)) return 'uses a back-reference';
  // For each open group: whether it contains an unbounded quantifier.
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') groups.push(false);
    else if (ch === ')') {
      const repeats = groups.pop() ?? false;
      const after = source.slice(i + 1);
      if (repeats && UNBOUNDED_QUANTIFIER.test(after)) {
        return 'repeats a group that itself repeats (like (a+)+), which can take exponential time';
      }
      if ((repeats || UNBOUNDED_QUANTIFIER.test(after)) && groups.length > 0) {
        groups[groups.length - 1] = true;
      }
    } else if (UNBOUNDED_QUANTIFIER.test(source.slice(i)) && groups.length > 0) {
      groups[groups.length - 1] = true;
    }
  }
  return null;
}

/** The RegExp JSONata builds regular expressions with: refuses unsafe patterns first. */
function SafeRegExp(pattern: RegExp | string, flags?: string): RegExp {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const problem = checkRegexSafety(source);
  if (problem)
    throw new ExpressionError(`The regular expression /${source.slice(0, 80)}/ ${problem}.`);
  return typeof pattern === 'string' ? new RegExp(pattern, flags) : new RegExp(pattern);
}

const EVALUATE_EXIT = Symbol.for('jsonata.__evaluate_exit');

/** Property names that only matter to JavaScript's object model, never to data. */
const PROTOTYPE_NAMES = new Set(['constructor', '__proto__', 'prototype']);
/** JavaScript globals: unbound in JSONata anyway, refused by name so the error says why. */
const JS_GLOBALS = new Set([
  'globalThis',
  'window',
  'self',
  'global',
  'process',
  'require',
  'Function',
  'document',
  'fetch',
  'importScripts',
]);

interface AstNode {
  type?: string;
  value?: unknown;
  lhs?: unknown;
}

/**
 * Refuses an expression that names JavaScript's prototype machinery or its globals. JSONata
 * would only find nothing there; refusing says plainly that expressions cannot reach them.
 */
function checkAst(root: unknown): void {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item !== 'object' || seen.has(item)) continue;
    seen.add(item);
    if (Array.isArray(item)) {
      stack.push(...item);
      continue;
    }
    const node = item as AstNode;
    if (node.type === 'name' && typeof node.value === 'string' && PROTOTYPE_NAMES.has(node.value)) {
      throw new ExpressionError(
        `Expressions cannot use "${node.value}": it is JavaScript's object model, not data.`,
      );
    }
    if (node.type === 'variable' && typeof node.value === 'string' && JS_GLOBALS.has(node.value)) {
      throw new ExpressionError(
        `Expressions cannot reach "$${node.value}": JavaScript globals are not available.`,
      );
    }
    if (node.type === 'unary' && node.value === '{' && Array.isArray(node.lhs)) {
      for (const pair of node.lhs as unknown[]) {
        const key = Array.isArray(pair) ? (pair[0] as AstNode | undefined) : undefined;
        if (
          key?.type === 'string' &&
          typeof key.value === 'string' &&
          PROTOTYPE_NAMES.has(key.value)
        ) {
          throw new ExpressionError(
            `Expressions cannot build a "${key.value}" key: it is JavaScript's object model, not data.`,
          );
        }
      }
    }
    if (node.type === 'regex') continue;
    for (const value of Object.values(item))
      if (value !== null && typeof value === 'object') stack.push(value);
  }
}

interface JsonataFailure {
  message?: string;
  code?: string;
  position?: number;
}

function describeFailure(error: unknown, source: string, limits: ExpressionLimits): string {
  if (error instanceof ExpressionError) return error.message;
  const failure = (error ?? {}) as JsonataFailure;
  const code = failure.code ?? '';
  if (code === 'D1012') {
    return `Expression ran longer than ${limits.expressionTimeoutMs} ms (an endless loop?).`;
  }
  if (code === 'D1011' || (error instanceof RangeError && /call stack/i.test(error.message))) {
    return `Expression nested deeper than ${limits.expressionMaxDepth} levels (endless recursion?).`;
  }
  if (code === 'D2014' || code === 'D2015') {
    return `Expression built a list longer than ${limits.expressionMaxSequence} items.`;
  }
  const at = typeof failure.position === 'number' ? ` at character ${failure.position}` : '';
  const message = failure.message ?? String(error);
  return `Expression ${JSON.stringify(clip(source, 120))} failed${at}: ${message}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function isLambda(value: unknown): boolean {
  return (
    typeof value === 'function' ||
    (value !== null && typeof value === 'object' && '_jsonata_lambda' in value)
  );
}

/** Evaluates one JSONata expression against the scope; the result as plain, bounded JSON. */
export async function evaluateExpression(
  source: string,
  scope: ExpressionScope,
  limits: ExpressionLimits,
  signal?: AbortSignal,
): Promise<JsonValue | undefined> {
  if (source.length > limits.maxExpressionChars) {
    throw new ExpressionError(
      `Expression is too long (${source.length} characters; at most ${limits.maxExpressionChars}).`,
    );
  }
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, {
      timeout: limits.expressionTimeoutMs,
      stack: limits.expressionMaxDepth,
      sequence: limits.expressionMaxSequence,
      RegexEngine: SafeRegExp as unknown as RegExpConstructor,
    });
  } catch (error) {
    throw new ExpressionError(describeFailure(error, source, limits));
  }
  checkAst(expression.ast());
  const maxChars = limits.maxTemplateChars;
  // Checked after every step: stops a string that doubles in a loop long before memory runs out.
  expression.assign(EVALUATE_EXIT as unknown as string, (...args: unknown[]) => {
    const result = args[3];
    if (typeof result === 'string' && result.length > maxChars) {
      throw new ExpressionError(
        `Expression built a text longer than ${maxChars} characters; it was stopped.`,
      );
    }
    if (signal?.aborted) throw new ExpressionError('The run was cancelled.');
  });
  let result: unknown;
  try {
    result = await expression.evaluate(scope);
  } catch (error) {
    throw new ExpressionError(describeFailure(error, source, limits));
  }
  if (result === undefined) return undefined;
  if (isLambda(result)) {
    throw new ExpressionError('The expression returned a function; it must return data.');
  }
  try {
    return toJsonValue(result, limits.maxValueBytes, 'The expression result');
  } catch (error) {
    throw new ExpressionError((error as Error).message);
  }
}

export type TemplatePart = { literal: string } | { expression: string };

/**
 * Splits a template into literal text and `{{ expression }}` placeholders. A placeholder ends at
 * the first `}}` outside a string literal and outside braces the expression itself opened, so
 * `{{ {"a": {"b": 1}} }}` is one placeholder.
 */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open === -1) {
      literal += template.slice(i);
      break;
    }
    literal += template.slice(i, open);
    const close = findPlaceholderEnd(template, open + 2);
    if (close === -1) throw new ExpressionError('The template has an unclosed {{ placeholder.');
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ expression: template.slice(open + 2, close).trim() });
    i = close + 2;
  }
  if (literal) parts.push({ literal });
  return parts;
}

function findPlaceholderEnd(text: string, from: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0 && text[i + 1] === '}') return i;
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

/** How a placeholder's value reads inside text: strings as they are, other values as JSON. */
export function valueAsText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * Renders a template. When `keepType` is set and the template is one placeholder and nothing
 * else (`{{input}}`), its value is returned as it is (an object stays an object).
 */
export async function renderTemplate(
  template: string,
  scope: ExpressionScope,
  limits: ExpressionLimits,
  options: { keepType?: boolean; signal?: AbortSignal } = {},
): Promise<JsonValue> {
  const parts = parseTemplate(template);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (options.keepType && only && 'expression' in only) {
    return (await evaluateExpression(only.expression, scope, limits, options.signal)) ?? null;
  }
  let text = '';
  for (const part of parts) {
    text +=
      'literal' in part
        ? part.literal
        : valueAsText(await evaluateExpression(part.expression, scope, limits, options.signal));
    if (text.length > limits.maxTemplateChars) {
      throw new ExpressionError(
        `The template's result is longer than ${limits.maxTemplateChars} characters; it was stopped.`,
      );
    }
  }
  return text;
}

/** JSONata's truthiness, as a condition branch reads its expression's result. */
export function isTruthy(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') {
    return false;
  }
  if (Array.isArray(value)) return value.some((item) => isTruthy(item));
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
