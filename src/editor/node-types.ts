/**
 * The one place that says what each workflow node type is: its fields (with kinds, defaults and
 * validation rules), its input and output handles and the data type each carries. The palette,
 * the properties panel, the canvas cards, validation and file import all read this registry.
 *
 * Editable values live flat in `node.data` (one key per field) because the sync layer merges
 * `data` field by field: two people editing different fields of one node both keep their edit.
 */
import type { JsonObject, JsonValue } from '../model/json.ts';

/** What flows along an edge. `any` connects to everything. */
export type PortDataType = 'any' | 'text' | 'json' | 'documents';

export interface PortSpec {
  id: string;
  label: string;
  dataType: PortDataType;
  /** A required input must have an incoming edge. */
  required?: boolean;
  /** Whether an input accepts more than one incoming edge. */
  multiple?: boolean;
}

interface FieldBase {
  key: string;
  label: string;
  help?: string;
  required?: boolean;
  /** Required only when this returns true for the node's current data. */
  requiredWhen?: (data: JsonObject) => boolean;
}

export interface ConditionBranch {
  id: string;
  label: string;
  expression: string;
}

export type FieldSpec =
  | (FieldBase & { kind: 'text'; default: string; maxLength?: number; placeholder?: string })
  | (FieldBase & { kind: 'template'; default: string; maxLength?: number; placeholder?: string })
  | (FieldBase & { kind: 'url'; default: string; placeholder?: string })
  | (FieldBase & {
      kind: 'number';
      default: number;
      min?: number;
      max?: number;
      step?: number;
      integer?: boolean;
    })
  | (FieldBase & { kind: 'select'; default: string; options: { value: string; label: string }[] })
  | (FieldBase & { kind: 'boolean'; default: boolean })
  /** JSON typed as text, kept as the string the user typed so a half-typed value is not lost. */
  | (FieldBase & { kind: 'json'; default: string; expect: 'object' | 'any' })
  /** A reference (the id) to a secret in the vault, never the value. */
  | (FieldBase & { kind: 'secret'; default: string })
  | (FieldBase & { kind: 'branches'; default: ConditionBranch[] });

export type NodeCategory = 'Triggers' | 'AI' | 'Integrations' | 'Logic' | 'Output';

export interface NodeTypeSpec {
  type: string;
  title: string;
  description: string;
  category: NodeCategory;
  fields: FieldSpec[];
  inputs: PortSpec[];
  outputs: (data: JsonObject) => PortSpec[];
  /** One line shown on the canvas card. */
  summary: (data: JsonObject) => string;
}

const LABEL_FIELD: FieldSpec = {
  key: 'label',
  label: 'Label',
  kind: 'text',
  default: '',
  maxLength: 120,
  placeholder: 'Name shown on the canvas',
};

const str = (data: JsonObject, key: string): string => {
  const value = data[key];
  return typeof value === 'string' ? value : '';
};

const firstLine = (text: string, max = 60): string => {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export const LLM_PROVIDERS = [
  { value: 'openai', label: 'OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'google', label: 'Google Gemini' },
  { value: 'mistral', label: 'Mistral' },
  { value: 'openai-compatible', label: 'OpenAI-compatible endpoint' },
  { value: 'ollama', label: 'Ollama (local, no key)' },
];

const NODE_TYPE_LIST: NodeTypeSpec[] = [
  {
    type: 'trigger',
    title: 'Manual trigger',
    description: 'Starts the workflow by hand with input matching a schema.',
    category: 'Triggers',
    fields: [
      {
        key: 'inputSchema',
        label: 'Input schema (JSON Schema)',
        kind: 'json',
        expect: 'object',
        required: true,
        default:
          '{\n  "type": "object",\n  "properties": {\n    "question": { "type": "string" }\n  }\n}',
        help: 'The shape of the input the run asks for.',
      },
    ],
    inputs: [],
    outputs: () => [{ id: 'payload', label: 'Input', dataType: 'json' }],
    summary: () => 'Run by hand',
  },
  {
    type: 'llm',
    title: 'LLM prompt',
    description: 'Sends system and user prompts to a language model.',
    category: 'AI',
    fields: [
      {
        key: 'provider',
        label: 'Provider',
        kind: 'select',
        default: 'openai',
        options: LLM_PROVIDERS,
      },
      {
        key: 'model',
        label: 'Model',
        kind: 'text',
        default: 'gpt-4o-mini',
        required: true,
        maxLength: 200,
      },
      {
        key: 'secretId',
        label: 'API key (secret)',
        kind: 'secret',
        default: '',
        requiredWhen: (data) => str(data, 'provider') !== 'ollama',
        help: 'Picked from the vault by reference; the key itself never appears in the workflow.',
      },
      {
        key: 'systemPrompt',
        label: 'System prompt',
        kind: 'template',
        default: '',
        maxLength: 100_000,
      },
      {
        key: 'userPrompt',
        label: 'User prompt',
        kind: 'template',
        default: '{{input}}',
        required: true,
        maxLength: 100_000,
      },
      {
        key: 'temperature',
        label: 'Temperature',
        kind: 'number',
        default: 0.7,
        min: 0,
        max: 2,
        step: 0.1,
      },
      {
        key: 'maxTokens',
        label: 'Max output tokens',
        kind: 'number',
        default: 1024,
        min: 1,
        max: 1_000_000,
        integer: true,
      },
    ],
    inputs: [{ id: 'input', label: 'Input', dataType: 'any', required: true }],
    outputs: () => [{ id: 'text', label: 'Text', dataType: 'text' }],
    summary: (data) => `${str(data, 'provider')} · ${str(data, 'model')}`,
  },
  {
    type: 'http',
    title: 'HTTP request',
    description: 'Calls a URL and passes on the JSON response.',
    category: 'Integrations',
    fields: [
      {
        key: 'method',
        label: 'Method',
        kind: 'select',
        default: 'GET',
        options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ value: m, label: m })),
      },
      {
        key: 'url',
        label: 'URL',
        kind: 'url',
        default: 'https://',
        required: true,
        placeholder: 'https://api.example.com/{{id}}',
      },
      {
        key: 'headers',
        label: 'Headers (JSON object)',
        kind: 'json',
        expect: 'object',
        default: '{}',
      },
      { key: 'body', label: 'Body template', kind: 'template', default: '', maxLength: 1_000_000 },
      {
        key: 'secretId',
        label: 'Authorization secret',
        kind: 'secret',
        default: '',
        help: 'Optional; sent as a bearer token, picked from the vault by reference.',
      },
      {
        key: 'timeoutMs',
        label: 'Timeout (ms)',
        kind: 'number',
        default: 30_000,
        min: 100,
        max: 600_000,
        integer: true,
      },
    ],
    inputs: [{ id: 'input', label: 'Input', dataType: 'any' }],
    outputs: () => [{ id: 'response', label: 'Response', dataType: 'json' }],
    summary: (data) => `${str(data, 'method')} ${firstLine(str(data, 'url'), 48)}`,
  },
  {
    type: 'connector',
    title: 'Connector call',
    description: 'Runs one operation of a configured connector.',
    category: 'Integrations',
    fields: [
      {
        key: 'connectorId',
        label: 'Connector',
        kind: 'text',
        default: '',
        required: true,
        placeholder: 'Connector id',
      },
      {
        key: 'operation',
        label: 'Operation',
        kind: 'text',
        default: '',
        required: true,
        maxLength: 200,
      },
      { key: 'input', label: 'Input (JSON)', kind: 'json', expect: 'any', default: '{}' },
    ],
    inputs: [{ id: 'input', label: 'Input', dataType: 'json', required: true }],
    outputs: () => [{ id: 'result', label: 'Result', dataType: 'json' }],
    summary: (data) => str(data, 'operation') || 'No operation chosen',
  },
  {
    type: 'kb_retrieval',
    title: 'Knowledge-base retrieval',
    description: 'Finds the passages of a knowledge base closest to a query.',
    category: 'AI',
    fields: [
      {
        key: 'knowledgeBaseId',
        label: 'Knowledge base',
        kind: 'text',
        default: '',
        required: true,
        placeholder: 'Knowledge base id',
      },
      {
        key: 'query',
        label: 'Query template',
        kind: 'template',
        default: '{{input}}',
        required: true,
      },
      {
        key: 'topK',
        label: 'Passages to return',
        kind: 'number',
        default: 5,
        min: 1,
        max: 50,
        integer: true,
      },
      {
        key: 'minScore',
        label: 'Minimum score',
        kind: 'number',
        default: 0,
        min: 0,
        max: 1,
        step: 0.05,
      },
    ],
    inputs: [{ id: 'query', label: 'Query', dataType: 'text', required: true }],
    outputs: () => [{ id: 'documents', label: 'Passages', dataType: 'documents' }],
    summary: (data) => `top ${String(data['topK'] ?? '')} passages`,
  },
  {
    type: 'condition',
    title: 'Condition',
    description: 'Routes the input to the first branch whose expression is true.',
    category: 'Logic',
    fields: [
      {
        key: 'branches',
        label: 'Branches',
        kind: 'branches',
        required: true,
        default: [{ id: 'b1', label: 'Yes', expression: 'input.ok === true' }],
      },
    ],
    inputs: [{ id: 'input', label: 'Input', dataType: 'any', required: true }],
    outputs: (data) => [
      ...readBranches(data).map((b) => ({
        id: `branch-${b.id}`,
        label: b.label || b.id,
        dataType: 'any' as const,
      })),
      { id: 'else', label: 'Otherwise', dataType: 'any' },
    ],
    summary: (data) => `${readBranches(data).length} branch(es) + otherwise`,
  },
  {
    type: 'transform',
    title: 'Transform',
    description: 'Reshapes data with a template or a field mapping.',
    category: 'Logic',
    fields: [
      {
        key: 'mode',
        label: 'Mode',
        kind: 'select',
        default: 'template',
        options: [
          { value: 'template', label: 'Template' },
          { value: 'mapping', label: 'Field mapping' },
        ],
      },
      {
        key: 'template',
        label: 'Template',
        kind: 'template',
        default: '{{input}}',
        requiredWhen: (data) => str(data, 'mode') !== 'mapping',
      },
      {
        key: 'mapping',
        label: 'Field mapping (JSON: target → expression)',
        kind: 'json',
        expect: 'object',
        default: '{}',
        requiredWhen: (data) => str(data, 'mode') === 'mapping',
      },
    ],
    inputs: [{ id: 'input', label: 'Input', dataType: 'any', required: true, multiple: true }],
    outputs: () => [{ id: 'output', label: 'Output', dataType: 'any' }],
    summary: (data) =>
      str(data, 'mode') === 'mapping' ? 'Field mapping' : firstLine(str(data, 'template')),
  },
  {
    type: 'output',
    title: 'Output',
    description: 'The result of the run.',
    category: 'Output',
    fields: [
      {
        key: 'format',
        label: 'Format',
        kind: 'select',
        default: 'text',
        options: [
          { value: 'text', label: 'Text' },
          { value: 'json', label: 'JSON' },
          { value: 'markdown', label: 'Markdown' },
        ],
      },
    ],
    inputs: [{ id: 'result', label: 'Result', dataType: 'any', required: true, multiple: true }],
    outputs: () => [],
    summary: (data) => `as ${str(data, 'format')}`,
  },
];

for (const spec of NODE_TYPE_LIST) spec.fields.unshift(LABEL_FIELD);

export const NODE_TYPES: ReadonlyMap<string, NodeTypeSpec> = new Map(
  NODE_TYPE_LIST.map((spec) => [spec.type, spec]),
);

export const NODE_TYPE_LIST_ORDERED: readonly NodeTypeSpec[] = NODE_TYPE_LIST;

export function getNodeType(type: string): NodeTypeSpec | undefined {
  return NODE_TYPES.get(type);
}

/** The data of a freshly placed node: every field at its default. */
export function defaultNodeData(type: string): JsonObject {
  const spec = NODE_TYPES.get(type);
  if (!spec) throw new Error(`Unknown node type "${type}"`);
  const data: JsonObject = {};
  for (const field of spec.fields)
    data[field.key] = cloneJson(field.default as unknown as JsonValue);
  return data;
}

/** Branches of a condition node, tolerating malformed data (validation reports it). */
export function readBranches(data: JsonObject): ConditionBranch[] {
  const raw = data['branches'];
  if (!Array.isArray(raw)) return [];
  const branches: ConditionBranch[] = [];
  for (const item of raw) {
    if (
      item &&
      typeof item === 'object' &&
      !Array.isArray(item) &&
      typeof item['id'] === 'string'
    ) {
      branches.push({
        id: item['id'],
        label: typeof item['label'] === 'string' ? item['label'] : '',
        expression: typeof item['expression'] === 'string' ? item['expression'] : '',
      });
    }
  }
  return branches;
}

export function nodeTitle(type: string, data: JsonObject): string {
  const label = data['label'];
  if (typeof label === 'string' && label.trim() !== '') return label;
  return NODE_TYPES.get(type)?.title ?? type;
}

/** Whether an output of one data type may feed an input of another. */
export function portTypesCompatible(from: PortDataType, to: PortDataType): boolean {
  return from === 'any' || to === 'any' || from === to;
}

export function cloneJson<T extends JsonValue>(value: T): T {
  return (value === null || typeof value !== 'object' ? value : structuredClone(value)) as T;
}
