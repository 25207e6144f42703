import type { JsonObject } from '../../../src/model/json.ts';
import type { WorkflowEdge, WorkflowNode } from '../../../src/model/workflow.ts';
import { defaultNodeData } from '../../../src/editor/node-types.ts';

export function node(id: string, type: string, data: JsonObject = {}, x = 0, y = 0): WorkflowNode {
  return { id, type, position: { x, y }, data: { ...defaultNodeData(type), ...data } };
}

export function edge(
  id: string,
  source: string,
  sourceHandle: string,
  target: string,
  targetHandle: string,
): WorkflowEdge {
  return { id, source, target, sourceHandle, targetHandle };
}

/** trigger → llm → output, all valid apart from the LLM's secret (none chosen). */
export function chain(): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  return {
    nodes: [
      node('t', 'trigger', {}, 0, 0),
      node('l', 'llm', { secretId: 's1' }, 300, 0),
      node('o', 'output', {}, 600, 0),
    ],
    edges: [edge('e1', 't', 'payload', 'l', 'input'), edge('e2', 'l', 'text', 'o', 'result')],
  };
}

export function counterIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
