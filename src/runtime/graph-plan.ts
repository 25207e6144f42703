/**
 * Checks a workflow before anything runs and works out the order: the trigger to start from,
 * the nodes it reaches, each node's incoming connections. Refuses what cannot run (no trigger,
 * a cycle, an unknown node type, a workflow over the size limits) with a message naming the
 * node, so a run never starts half-way into a graph it cannot finish.
 */
import { RuntimeError } from './errors.ts';
import type { RuntimeLimits } from './limits.ts';
import type { RuntimeEdge, RuntimeNode, RuntimeWorkflow } from './types.ts';

/** The node types the editor declares (src/editor/node-types.ts), all of which the runtime runs. */
export const RUNNABLE_NODE_TYPES = [
  'trigger',
  'llm',
  'http',
  'connector',
  'kb_retrieval',
  'condition',
  'transform',
  'output',
] as const;
export type RunnableNodeType = (typeof RUNNABLE_NODE_TYPES)[number];

export interface RunPlan {
  trigger: RuntimeNode;
  nodes: ReadonlyMap<string, RuntimeNode>;
  /** Nodes the trigger reaches, in a topological order. */
  reachable: readonly string[];
  /** Nodes the trigger does not reach: recorded as skipped. */
  unreachable: readonly string[];
  incoming: ReadonlyMap<string, readonly RuntimeEdge[]>;
  outgoing: ReadonlyMap<string, readonly RuntimeEdge[]>;
}

export function nodeLabel(node: RuntimeNode): string {
  const label = node.data['label'];
  return typeof label === 'string' && label.trim() !== ''
    ? label.trim()
    : `${node.type} ${node.id}`;
}

export function planRun(
  workflow: RuntimeWorkflow,
  limits: Pick<RuntimeLimits, 'maxNodes' | 'maxEdges'>,
  triggerNodeId?: string,
): RunPlan {
  if (workflow.nodes.length > limits.maxNodes) {
    throw new RuntimeError(
      `The workflow has ${workflow.nodes.length} nodes; a run can have at most ${limits.maxNodes}.`,
    );
  }
  if (workflow.edges.length > limits.maxEdges) {
    throw new RuntimeError(
      `The workflow has ${workflow.edges.length} connections; a run can have at most ${limits.maxEdges}.`,
    );
  }
  const nodes = new Map<string, RuntimeNode>();
  for (const node of workflow.nodes) {
    if (nodes.has(node.id)) throw new RuntimeError(`Two nodes share the id "${node.id}".`);
    nodes.set(node.id, node);
  }
  const triggers = workflow.nodes.filter((n) => n.type === 'trigger');
  let trigger: RuntimeNode | undefined;
  if (triggerNodeId !== undefined) {
    trigger = nodes.get(triggerNodeId);
    if (!trigger || trigger.type !== 'trigger') {
      throw new RuntimeError(`There is no trigger node "${triggerNodeId}" to start from.`);
    }
  } else if (triggers.length === 0) {
    throw new RuntimeError(
      'The workflow has no trigger, so it cannot be run. Add a manual trigger.',
    );
  } else if (triggers.length > 1) {
    throw new RuntimeError(
      `The workflow has ${triggers.length} triggers; choose which one starts the run.`,
    );
  } else trigger = triggers[0]!;

  const incoming = new Map<string, RuntimeEdge[]>();
  const outgoing = new Map<string, RuntimeEdge[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const edge of workflow.edges) {
    if (!nodes.has(edge.source) || !nodes.has(edge.target)) {
      throw new RuntimeError(
        `Connection "${edge.id}" points at a node that is not in the workflow.`,
      );
    }
    outgoing.get(edge.source)!.push(edge);
  }

  // What the trigger reaches; only those nodes' connections count as a node's inputs.
  const reached = new Set<string>([trigger.id]);
  const stack = [trigger.id];
  while (stack.length > 0) {
    for (const edge of outgoing.get(stack.pop()!)!) {
      if (!reached.has(edge.target)) {
        reached.add(edge.target);
        stack.push(edge.target);
      }
    }
  }
  for (const edge of workflow.edges) {
    if (reached.has(edge.source)) incoming.get(edge.target)!.push(edge);
  }
  for (const id of reached) {
    const node = nodes.get(id)!;
    if (!(RUNNABLE_NODE_TYPES as readonly string[]).includes(node.type)) {
      throw new RuntimeError(`Node "${nodeLabel(node)}" has the unknown type "${node.type}".`);
    }
    if (node.type === 'trigger' && id !== trigger.id) {
      throw new RuntimeError(
        `Trigger "${nodeLabel(node)}" has an incoming connection; a trigger starts a run.`,
      );
    }
  }

  // Kahn's algorithm over the reached part: whatever is left over lies on a cycle.
  const pending = new Map<string, number>();
  for (const id of reached) pending.set(id, incoming.get(id)!.length);
  const order: string[] = [];
  const ready = [trigger.id];
  if (pending.get(trigger.id) !== 0) {
    throw new RuntimeError(`The trigger "${nodeLabel(trigger)}" has an incoming connection.`);
  }
  while (ready.length > 0) {
    const id = ready.pop()!;
    order.push(id);
    for (const edge of outgoing.get(id)!) {
      const left = pending.get(edge.target)! - 1;
      pending.set(edge.target, left);
      if (left === 0) ready.push(edge.target);
    }
  }
  if (order.length < reached.size) {
    const done = new Set(order);
    const onCycle = [...reached].find((id) => !done.has(id))!;
    throw new RuntimeError(
      `Node "${nodeLabel(nodes.get(onCycle)!)}" is on a cycle; workflows run in one direction.`,
    );
  }
  return {
    trigger,
    nodes,
    reachable: order,
    unreachable: workflow.nodes.filter((n) => !reached.has(n.id)).map((n) => n.id),
    incoming,
    outgoing,
  };
}
