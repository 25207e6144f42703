/**
 * Pure validation of a workflow graph against the node registry: field values, connections
 * (type mismatch, cycles, missing handles, a single-input handle fed twice), dangling required
 * inputs and dangling edges. The canvas flags what this returns; nothing here touches React.
 */
import type { JsonObject, JsonValue } from '../model/json.ts';
import type { WorkflowEdge, WorkflowNode } from '../model/workflow.ts';
import {
  getNodeType,
  portTypesCompatible,
  readBranches,
  type FieldSpec,
  type NodeTypeSpec,
  type PortSpec,
} from './node-types.ts';

export interface Issue {
  severity: 'error' | 'warning';
  message: string;
  /** The field of the node the issue is about, when there is one. */
  field?: string;
}

export interface WorkflowGraph {
  nodes: readonly WorkflowNode[];
  edges: readonly WorkflowEdge[];
}

export interface ValidationContext {
  /** Ids of the secrets the user can pick; when given, a reference to any other id is flagged. */
  secretIds?: ReadonlySet<string>;
}

export interface WorkflowIssues {
  nodes: Map<string, Issue[]>;
  edges: Map<string, Issue[]>;
  workflow: Issue[];
  errorCount: number;
}

export interface ConnectionAttempt {
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

const TEMPLATE_OPEN = /\{\{/g;
const TEMPLATE_CLOSE = /\}\}/g;

/** The message for one field's value, or null when it is valid. */
export function validateField(
  field: FieldSpec,
  value: JsonValue | undefined,
  data: JsonObject,
  context: ValidationContext = {},
): string | null {
  const required = field.required === true || (field.requiredWhen?.(data) ?? false);
  const empty =
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0);
  if (empty) return required ? `${field.label} is required.` : null;

  switch (field.kind) {
    case 'text':
    case 'template': {
      if (typeof value !== 'string') return `${field.label} must be text.`;
      if (field.maxLength !== undefined && value.length > field.maxLength) {
        return `${field.label} is too long (${value.length} characters; at most ${field.maxLength}).`;
      }
      if (field.kind === 'template') {
        const opens = value.match(TEMPLATE_OPEN)?.length ?? 0;
        const closes = value.match(TEMPLATE_CLOSE)?.length ?? 0;
        if (opens !== closes) return `${field.label} has an unclosed {{ }} placeholder.`;
      }
      return null;
    }
    case 'url': {
      if (typeof value !== 'string') return `${field.label} must be text.`;
      // Placeholders are filled at run time; check the URL with them replaced by a sample.
      const sample = value.replace(/\{\{[^}]*\}\}/g, 'x');
      try {
        const url = new URL(sample);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          return `${field.label} must start with http:// or https://.`;
        }
        if (url.hostname === '') return `${field.label} needs a host name.`;
      } catch {
        return `${field.label} is not a valid URL (for example https://api.example.com/items).`;
      }
      return null;
    }
    case 'number': {
      const number = typeof value === 'number' ? value : Number.NaN;
      if (!Number.isFinite(number)) return `${field.label} must be a number.`;
      if (field.integer && !Number.isInteger(number))
        return `${field.label} must be a whole number.`;
      if (field.min !== undefined && number < field.min) {
        return `${field.label} must be at least ${field.min}.`;
      }
      if (field.max !== undefined && number > field.max) {
        return `${field.label} must be at most ${field.max}.`;
      }
      return null;
    }
    case 'select':
      return field.options.some((o) => o.value === value)
        ? null
        : `${field.label} must be one of: ${field.options.map((o) => o.label).join(', ')}.`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${field.label} must be on or off.`;
    case 'json': {
      if (typeof value !== 'string') return `${field.label} must be JSON text.`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch (error) {
        return `${field.label} is not valid JSON: ${(error as Error).message}`;
      }
      if (
        field.expect === 'object' &&
        (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      ) {
        return `${field.label} must be a JSON object ({ ... }).`;
      }
      return null;
    }
    case 'secret': {
      if (typeof value !== 'string') return `${field.label} must be a secret reference.`;
      if (context.secretIds && !context.secretIds.has(value)) {
        return `${field.label} refers to a secret that no longer exists; pick another one.`;
      }
      return null;
    }
    case 'branches': {
      if (!Array.isArray(value)) return `${field.label} must be a list.`;
      const branches = readBranches(data);
      if (branches.length !== value.length) return `${field.label} has a malformed entry.`;
      const seen = new Set<string>();
      for (const [index, branch] of branches.entries()) {
        if (seen.has(branch.id)) return `Branch ${index + 1} repeats the id "${branch.id}".`;
        seen.add(branch.id);
        if (branch.expression.trim() === '') return `Branch ${index + 1} needs an expression.`;
      }
      return null;
    }
  }
}

export function validateNodeData(
  spec: NodeTypeSpec,
  data: JsonObject,
  context: ValidationContext = {},
): Issue[] {
  const issues: Issue[] = [];
  for (const field of spec.fields) {
    const message = validateField(field, data[field.key], data, context);
    if (message) issues.push({ severity: 'error', message, field: field.key });
  }
  return issues;
}

function findPort(
  ports: readonly PortSpec[],
  handle: string | null | undefined,
): PortSpec | undefined {
  // React Flow passes null for a node's only handle when it has no id; treat it as the first.
  if (handle === null || handle === undefined) return ports.length === 1 ? ports[0] : undefined;
  return ports.find((p) => p.id === handle);
}

export function outputPorts(node: WorkflowNode): PortSpec[] {
  return getNodeType(node.type)?.outputs(node.data) ?? [];
}

export function inputPorts(node: WorkflowNode): readonly PortSpec[] {
  return getNodeType(node.type)?.inputs ?? [];
}

/** Whether target can reach source along edges (so source → target would close a cycle). */
function reaches(edges: readonly WorkflowEdge[], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const list = next.get(edge.source);
    if (list) list.push(edge.target);
    else next.set(edge.source, [edge.target]);
  }
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    for (const n of next.get(id) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return false;
}

/** Why a new connection would be impossible, before it is made. */
export function checkConnection(graph: WorkflowGraph, attempt: ConnectionAttempt): ConnectionCheck {
  const source = graph.nodes.find((n) => n.id === attempt.source);
  const target = graph.nodes.find((n) => n.id === attempt.target);
  if (!source || !target) return { ok: false, reason: 'Both ends must be nodes of this workflow.' };
  if (source.id === target.id) return { ok: false, reason: 'A node cannot connect to itself.' };
  const out = findPort(outputPorts(source), attempt.sourceHandle);
  const into = findPort(inputPorts(target), attempt.targetHandle);
  if (!out) return { ok: false, reason: `This output does not exist on ${source.type}.` };
  if (!into) return { ok: false, reason: `This input does not exist on ${target.type}.` };
  if (!portTypesCompatible(out.dataType, into.dataType)) {
    return {
      ok: false,
      reason: `Type mismatch: ${out.label} (${out.dataType}) cannot feed ${into.label} (${into.dataType}).`,
    };
  }
  const incoming = graph.edges.filter(
    (e) =>
      e.target === target.id && (findPort(inputPorts(target), e.targetHandle) ?? null) === into,
  );
  if (
    incoming.some(
      (e) => e.source === source.id && (e.sourceHandle ?? null) === (attempt.sourceHandle ?? null),
    )
  ) {
    return { ok: false, reason: 'These handles are already connected.' };
  }
  if (!into.multiple && incoming.length > 0) {
    return {
      ok: false,
      reason: `${into.label} already has an input; remove that connection first.`,
    };
  }
  if (reaches(graph.edges, target.id, source.id)) {
    return {
      ok: false,
      reason: 'This connection would create a cycle; workflows run in one direction.',
    };
  }
  return { ok: true };
}

/** Ids of edges that lie on a cycle (both ends in one strongly connected component). */
export function edgesOnCycles(graph: WorkflowGraph): Set<string> {
  const adjacency = new Map<string, string[]>();
  for (const node of graph.nodes) adjacency.set(node.id, []);
  for (const edge of graph.edges) {
    if (adjacency.has(edge.target)) adjacency.get(edge.source)?.push(edge.target);
  }

  // Iterative Tarjan: recursion would overflow on long chains.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let componentCount = 0;

  for (const root of adjacency.keys()) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = adjacency.get(frame.id)!;
      if (frame.next < targets.length) {
        const w = targets[frame.next++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.set(w, componentCount);
        } while (w !== frame.id);
        componentCount++;
      }
    }
  }

  const cyclic = new Set<string>();
  for (const edge of graph.edges) {
    const a = component.get(edge.source);
    if (a !== undefined && (edge.source === edge.target || a === component.get(edge.target))) {
      cyclic.add(edge.id);
    }
  }
  return cyclic;
}

function push<K>(map: Map<K, Issue[]>, key: K, issue: Issue): void {
  const list = map.get(key);
  if (list) list.push(issue);
  else map.set(key, [issue]);
}

export function validateWorkflow(
  graph: WorkflowGraph,
  context: ValidationContext = {},
): WorkflowIssues {
  const nodeIssues = new Map<string, Issue[]>();
  const edgeIssues = new Map<string, Issue[]>();
  const workflow: Issue[] = [];
  const byId = new Map<string, WorkflowNode>();
  const outputsById = new Map<string, PortSpec[]>();

  for (const node of graph.nodes) {
    if (byId.has(node.id))
      push(nodeIssues, node.id, { severity: 'error', message: `Duplicate node id "${node.id}".` });
    byId.set(node.id, node);
    const spec = getNodeType(node.type);
    if (!spec) {
      push(nodeIssues, node.id, {
        severity: 'error',
        message: `Unknown node type "${node.type}".`,
      });
      continue;
    }
    outputsById.set(node.id, spec.outputs(node.data));
    for (const issue of validateNodeData(spec, node.data, context))
      push(nodeIssues, node.id, issue);
  }

  const incoming = new Map<string, number>(); // `${nodeId}\u0000${handle}` → count
  const cyclic = edgesOnCycles(graph);
  for (const edge of graph.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) {
      const missing = !source ? `source "${edge.source}"` : `target "${edge.target}"`;
      push(edgeIssues, edge.id, {
        severity: 'error',
        message: `Dangling connection: its ${missing} is not in the workflow.`,
      });
      continue;
    }
    const out = findPort(outputsById.get(source.id) ?? [], edge.sourceHandle);
    const into = findPort(inputPorts(target), edge.targetHandle);
    if (!out) {
      push(edgeIssues, edge.id, {
        severity: 'error',
        message: `Connection starts at an output "${edge.sourceHandle ?? ''}" that ${source.type} no longer has.`,
      });
    }
    if (!into) {
      push(edgeIssues, edge.id, {
        severity: 'error',
        message: `Connection ends at an input "${edge.targetHandle ?? ''}" that ${target.type} does not have.`,
      });
    }
    if (out && into && !portTypesCompatible(out.dataType, into.dataType)) {
      push(edgeIssues, edge.id, {
        severity: 'error',
        message: `Type mismatch: ${out.label} (${out.dataType}) cannot feed ${into.label} (${into.dataType}).`,
      });
    }
    if (cyclic.has(edge.id)) {
      push(edgeIssues, edge.id, {
        severity: 'error',
        message: 'This connection is part of a cycle; workflows run in one direction.',
      });
    }
    if (into) {
      const key = `${target.id}\u0000${into.id}`;
      const count = (incoming.get(key) ?? 0) + 1;
      incoming.set(key, count);
      if (count > 1 && !into.multiple) {
        push(edgeIssues, edge.id, {
          severity: 'error',
          message: `${into.label} of this node accepts only one connection.`,
        });
      }
    }
  }

  for (const node of graph.nodes) {
    for (const port of inputPorts(node)) {
      if (port.required && !incoming.has(`${node.id}\u0000${port.id}`)) {
        push(nodeIssues, node.id, {
          severity: 'error',
          message: `Input "${port.label}" is not connected.`,
        });
      }
    }
  }

  if (graph.nodes.length > 0 && !graph.nodes.some((n) => n.type === 'trigger')) {
    workflow.push({
      severity: 'warning',
      message: 'The workflow has no trigger, so it cannot be run.',
    });
  }

  let errorCount = 0;
  for (const list of [...nodeIssues.values(), ...edgeIssues.values()]) {
    for (const issue of list) if (issue.severity === 'error') errorCount++;
  }
  return { nodes: nodeIssues, edges: edgeIssues, workflow, errorCount };
}
