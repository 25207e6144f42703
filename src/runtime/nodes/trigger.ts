/**
 * Manual trigger: checks the run's input against the trigger's JSON Schema (Ajv) and passes it
 * on. The schema is written by a member, so its size is bounded, and regular expressions in
 * `pattern` go through the same safety check as expressions.
 */
import { Ajv, type ErrorObject } from 'ajv';
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
  // No remote $refs are ever loaded; formats are not checked (no format plugin is bundled).
  const ajv = new Ajv({
    allErrors: false,
    strict: false,
    validateFormats: false,
    code: { regExp: safeRegExp },
  });
  let validate: ReturnType<Ajv['compile']>;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new RuntimeError(
      `The input schema is not a valid JSON Schema: ${(error as Error).message}`,
    );
  }
  if (!validate(input)) {
    throw new RuntimeError(
      `The input does not match the trigger's schema: ${describeErrors(validate.errors ?? [])}.`,
    );
  }
  return { output: input };
};
