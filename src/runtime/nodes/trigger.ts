/**
 * Manual trigger: checks the run's input against the trigger's JSON Schema (Ajv) and passes it
 * on. The schema is written by a member, so its size is bounded, and regular expressions in
 * `pattern` go through the same safety check as expressions.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { RuntimeError } from '../errors.ts';
import { checkRegexSafety } from '../expressions.ts';
import type { NodeExecutor } from './node-context.ts';
import { stringField } from './node-context.ts';

const safeRegExp = Object.assign(
  (pattern: string, flags?: string): RegExp => {
    const problem = checkRegexSafety(pattern);
    if (problem) {
      throw new RuntimeError(`The input schema's pattern /${pattern.slice(0, 80)}/ ${problem}.`);
    }
    return new RegExp(pattern, flags);
  },
  // Ajv names the engine only in standalone code, which the runtime never generates.
  { code: 'new RegExp' },
);

function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map(
      (error) =>
        `${error.instancePath === '' ? 'input' : `input${error.instancePath.replace(/\//g, '.')}`} ${error.message ?? 'is invalid'}`,
    )
    .join('; ');
}

/** Validators compiled from schema text, most recently used last; bounded. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 32;
let sharedAjv: Ajv | null = null;

/**
 * One Ajv for every run (creating one costs tens of milliseconds); each schema is removed from
 * it right after compiling, so hostile or many schemas neither pile up nor collide on `$id`.
 */
function validatorFor(schemaText: string, schema: object): ValidateFunction {
  const cached = compiled.get(schemaText);
  if (cached) {
    compiled.delete(schemaText);
    compiled.set(schemaText, cached);
    return cached;
  }
  // No remote $refs are ever loaded; formats are not checked (no format plugin is bundled).
  sharedAjv ??= new Ajv({
    allErrors: false,
    strict: false,
    validateFormats: false,
    code: { regExp: safeRegExp },
  });
  let validate: ValidateFunction;
  try {
    validate = sharedAjv.compile(schema);
  } catch (error) {
    throw new RuntimeError(
      `The input schema is not a valid JSON Schema: ${(error as Error).message}`,
    );
  } finally {
    sharedAjv.removeSchema(schema);
  }
  compiled.set(schemaText, validate);
  if (compiled.size > MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  return validate;
}

export const runTrigger: NodeExecutor = async (context) => {
  const schemaText = stringField(context.node.data, 'inputSchema').trim();
  const input = context.scope.trigger;
  if (schemaText === '') return { output: input };
  if (schemaText.length > context.limits.maxSchemaChars) {
    throw new RuntimeError(
      `The input schema is too long (at most ${context.limits.maxSchemaChars} characters).`,
    );
  }
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText);
  } catch (error) {
    throw new RuntimeError(`The input schema is not valid JSON: ${(error as Error).message}`);
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new RuntimeError('The input schema must be a JSON object.');
  }
  const validate = validatorFor(schemaText, schema);
  if (!validate(input)) {
    throw new RuntimeError(
      `The input does not match the trigger's schema: ${describeErrors(validate.errors ?? [])}.`,
    );
  }
  return { output: input };
};
