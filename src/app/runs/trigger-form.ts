/**
 * The run's input form, generated from the trigger's JSON Schema: one field per top-level
 * property (text, a choice for `enum`, number, on/off, or JSON for anything nested), or one JSON
 * field when the schema does not describe an object's properties. The values a user typed are
 * turned back into the run's input here; the trigger checks the result against the schema.
 */
import type { JsonObject, JsonValue } from '../../runtime/index.ts';

export type InputFieldKind = 'text' | 'choice' | 'number' | 'integer' | 'boolean' | 'json';

export interface InputField {
  key: string;
  label: string;
  kind: InputFieldKind;
  required: boolean;
  description: string;
  options: string[];
  /** What the field shows first: the schema's default, as the form holds it. */
  initial: string | boolean;
}

export interface InputForm {
  /** False when the whole input is one JSON field (the schema names no properties). */
  structured: boolean;
  fields: InputField[];
  /** Why the schema could not be read, when it could not (the form falls back to JSON). */
  problem: string | null;
}

const MAX_FIELDS = 100;
export const WHOLE_INPUT_KEY = '';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const jsonField = (problem: string | null, initial = '{}'): InputForm => ({
  structured: false,
  problem,
  fields: [
    {
      key: WHOLE_INPUT_KEY,
      label: 'Input (JSON)',
      kind: 'json',
      required: true,
      description: '',
      options: [],
      initial,
    },
  ],
});

function fieldKind(schema: Record<string, unknown>): InputFieldKind {
  if (Array.isArray(schema['enum']) && schema['enum'].every((v) => typeof v === 'string')) {
    return 'choice';
  }
  switch (schema['type']) {
    case 'string':
      return 'text';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

function initialValue(kind: InputFieldKind, value: unknown): string | boolean {
  if (kind === 'boolean') return value === true;
  if (value === undefined) return kind === 'json' ? '' : '';
  if (kind === 'json') return JSON.stringify(value, null, 2);
  return typeof value === 'string' ? value : String(value);
}

export function inputFormFor(schemaText: string): InputForm {
  if (schemaText.trim() === '') return jsonField(null);
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText);
  } catch (error) {
    return jsonField(`The trigger's schema is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(schema) || !isObject(schema['properties'])) return jsonField(null);
  const required = new Set(
    Array.isArray(schema['required'])
      ? schema['required'].filter((r): r is string => typeof r === 'string')
      : [],
  );
  const fields: InputField[] = [];
  for (const [key, raw] of Object.entries(schema['properties']).slice(0, MAX_FIELDS)) {
    const property = isObject(raw) ? raw : {};
    const kind = fieldKind(property);
    fields.push({
      key,
      label: typeof property['title'] === 'string' ? property['title'] : key,
      kind,
      required: required.has(key),
      description: typeof property['description'] === 'string' ? property['description'] : '',
      options: kind === 'choice' ? (property['enum'] as string[]) : [],
      initial: initialValue(kind, property['default']),
    });
  }
  return { structured: true, fields, problem: null };
}

export type FormValues = Record<string, string | boolean>;

export type FormResult =
  { ok: true; input: JsonValue } | { ok: false; errors: Record<string, string> };

/** The run's input from what the user typed; empty optional fields are left out. */
export function inputFromForm(form: InputForm, values: FormValues): FormResult {
  if (!form.structured) {
    const raw = values[WHOLE_INPUT_KEY] ?? form.fields[0]?.initial ?? '{}';
    try {
      return { ok: true, input: JSON.parse(String(raw)) as JsonValue };
    } catch (error) {
      return {
        ok: false,
        errors: { [WHOLE_INPUT_KEY]: `The input is not valid JSON: ${(error as Error).message}` },
      };
    }
  }
  const errors: Record<string, string> = {};
  const input: JsonObject = {};
  for (const field of form.fields) {
    const raw = values[field.key] ?? field.initial;
    if (field.kind === 'boolean') {
      input[field.key] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : String(raw);
    if (text.trim() === '') {
      if (field.required) errors[field.key] = `${field.label} is required.`;
      continue;
    }
    if (field.kind === 'number' || field.kind === 'integer') {
      const number = Number(text);
      if (!Number.isFinite(number) || (field.kind === 'integer' && !Number.isInteger(number))) {
        errors[field.key] =
          `${field.label} must be ${field.kind === 'integer' ? 'a whole number' : 'a number'}.`;
      } else input[field.key] = number;
      continue;
    }
    if (field.kind === 'json') {
      try {
        const parsed = JSON.parse(text) as JsonValue;
        input[field.key] = parsed;
      } catch (error) {
        errors[field.key] = `${field.label} is not valid JSON: ${(error as Error).message}`;
      }
      continue;
    }
    input[field.key] = text;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}
