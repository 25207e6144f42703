/**
 * Workflows the user starts from. Each template builds a fresh graph with fresh ids every time,
 * from the node registry's defaults, so a template never drifts from what the registry accepts.
 */
import type { JsonObject } from '../model/json.ts';
import type { WorkflowEdge, WorkflowNode } from '../model/workflow.ts';
import { defaultNodeData } from './node-types.ts';
import type { Graph } from './graph-ops.ts';

export interface WorkflowTemplate {
  id: string;
  name: string;
  description: string;
  build(newId?: () => string): Graph;
}

interface Step {
  key: string;
  type: string;
  x: number;
  y: number;
  data?: JsonObject;
}

function buildGraph(
  steps: Step[],
  links: [from: string, fromHandle: string, to: string, toHandle: string][],
  newId: () => string,
): Graph {
  const ids = new Map(steps.map((s) => [s.key, newId()] as const));
  const nodes: WorkflowNode[] = steps.map((s) => ({
    id: ids.get(s.key)!,
    type: s.type,
    position: { x: s.x, y: s.y },
    data: { ...defaultNodeData(s.type), ...s.data },
  }));
  const edges: WorkflowEdge[] = links.map(([from, fromHandle, to, toHandle]) => ({
    id: newId(),
    source: ids.get(from)!,
    target: ids.get(to)!,
    sourceHandle: fromHandle,
    targetHandle: toHandle,
  }));
  return { nodes, edges };
}

const uuid = (): string => crypto.randomUUID();

export const WORKFLOW_TEMPLATES: readonly WorkflowTemplate[] = [
  {
    id: 'blank',
    name: 'Blank',
    description: 'A manual trigger wired to an output.',
    build: (newId = uuid) =>
      buildGraph(
        [
          { key: 't', type: 'trigger', x: 0, y: 0 },
          { key: 'o', type: 'output', x: 320, y: 0 },
        ],
        [['t', 'payload', 'o', 'result']],
        newId,
      ),
  },
  {
    id: 'summarize-url',
    name: 'Summarize a web page',
    description: 'Fetches a URL and asks an LLM for a short summary.',
    build: (newId = uuid) =>
      buildGraph(
        [
          {
            key: 't',
            type: 'trigger',
            x: 0,
            y: 0,
            data: {
              inputSchema:
                '{\n  "type": "object",\n  "properties": { "url": { "type": "string" } },\n  "required": ["url"]\n}',
            },
          },
          {
            key: 'h',
            type: 'http',
            x: 300,
            y: 0,
            data: { url: '{{input.url}}', label: 'Fetch page' },
          },
          {
            key: 'l',
            type: 'llm',
            x: 600,
            y: 0,
            data: {
              label: 'Summarize',
              systemPrompt: 'You summarize web pages in five bullet points.',
              userPrompt: '{{input.body}}',
            },
          },
          { key: 'o', type: 'output', x: 900, y: 0, data: { format: 'markdown' } },
        ],
        [
          ['t', 'payload', 'h', 'input'],
          ['h', 'response', 'l', 'input'],
          ['l', 'text', 'o', 'result'],
        ],
        newId,
      ),
  },
  {
    id: 'rag-answer',
    name: 'Answer from a knowledge base',
    description: 'Retrieves passages for a question and answers with an LLM, citing them.',
    build: (newId = uuid) =>
      buildGraph(
        [
          { key: 't', type: 'trigger', x: 0, y: 0 },
          {
            key: 'q',
            type: 'transform',
            x: 280,
            y: 0,
            data: { label: 'Question', template: '{{input.question}}' },
          },
          { key: 'k', type: 'kb_retrieval', x: 560, y: 0 },
          {
            key: 'j',
            type: 'transform',
            x: 840,
            y: 60,
            data: { label: 'Prompt', template: 'Passages: {{input}}' },
          },
          {
            key: 'l',
            type: 'llm',
            x: 1120,
            y: 60,
            data: { label: 'Answer', systemPrompt: 'Answer only from the passages and cite them.' },
          },
          { key: 'o', type: 'output', x: 1400, y: 60, data: { format: 'markdown' } },
        ],
        [
          ['t', 'payload', 'q', 'input'],
          ['q', 'output', 'k', 'query'],
          ['k', 'documents', 'j', 'input'],
          ['t', 'payload', 'j', 'input'],
          ['j', 'output', 'l', 'input'],
          ['l', 'text', 'o', 'result'],
        ],
        newId,
      ),
  },
  {
    id: 'classify-route',
    name: 'Classify and route',
    description: 'An LLM classifies a message; a condition sends urgent ones to a connector.',
    build: (newId = uuid) =>
      buildGraph(
        [
          { key: 't', type: 'trigger', x: 0, y: 0 },
          {
            key: 'l',
            type: 'llm',
            x: 300,
            y: 0,
            data: {
              label: 'Classify',
              systemPrompt: 'Reply with exactly "urgent" or "normal".',
              temperature: 0,
            },
          },
          {
            key: 'c',
            type: 'condition',
            x: 600,
            y: 0,
            data: {
              branches: [
                { id: 'urgent', label: 'Urgent', expression: "input.trim() === 'urgent'" },
              ],
            },
          },
          {
            key: 'n',
            type: 'transform',
            x: 900,
            y: -80,
            data: { label: 'Ticket', mode: 'mapping', mapping: '{ "title": "input" }' },
          },
          { key: 'k', type: 'connector', x: 1180, y: -80, data: { label: 'Open ticket' } },
          { key: 'o', type: 'output', x: 900, y: 120 },
        ],
        [
          ['t', 'payload', 'l', 'input'],
          ['l', 'text', 'c', 'input'],
          ['c', 'branch-urgent', 'n', 'input'],
          ['n', 'output', 'k', 'input'],
          ['c', 'else', 'o', 'result'],
        ],
        newId,
      ),
  },
];
