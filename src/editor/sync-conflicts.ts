/**
 * The values that lost a same-field sync conflict (the workflow's `conflicts` list, written by
 * sync/merge-workflow.ts as {path, value, winner, at}), described for people and turned into
 * operations that put the lost value back. Restoring is an ordinary, undoable edit.
 */
import { jsonEqual, type JsonObject, type JsonValue } from '../model/json.ts';
import type { WorkflowConflictEntry, WorkflowNode } from '../model/workflow.ts';
import type { GraphChange } from './graph-ops.ts';
import { getNodeType, nodeTitle } from './node-types.ts';
import type { WorkflowGraph } from './validate-workflow.ts';

export interface LostValue {
  key: string;
  /** What was lost, in words. */
  description: string;
  at: string;
  /** Puts the lost value back; null when it cannot be restored from the editor. */
  restore: GraphChange[] | null;
  /** The lost value is what the workflow has now (already restored). */
  inUse: boolean;
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const show = (value: JsonValue | undefined): string => {
  if (value === null || value === undefined) return 'nothing';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.length > 60 ? `${text.slice(0, 59)}…` : text}"`;
};

function isNode(value: JsonValue): value is JsonValue & WorkflowNode {
  return (
    isObject(value) &&
    typeof value['id'] === 'string' &&
    typeof value['type'] === 'string' &&
    isObject(value['position']) &&
    isObject(value['data'])
  );
}

export function describeLostValues(
  /** WorkflowDoc.conflicts; written on other devices, so each entry's shape is checked. */
  entries: readonly WorkflowConflictEntry[] | readonly unknown[],
  graph: WorkflowGraph,
): LostValue[] {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n] as const));
  const out: LostValue[] = [];
  entries.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry['path'] !== 'string') return;
    const path = entry['path'];
    const value = entry['value'] ?? null;
    const winner = entry['winner'] ?? null;
    const at = typeof entry['at'] === 'string' ? entry['at'] : '';
    const key = `${index}:${path}`;
    const [root, id, part, field] = path.split('/');
    const node = root === 'nodes' && id ? nodes.get(id) : undefined;
    const title = node ? nodeTitle(node.type, node.data) : 'A node';

    if (root === 'nodes' && id && part === 'data' && field) {
      const label = node
        ? (getNodeType(node.type)?.fields.find((f) => f.key === field)?.label ?? field)
        : field;
      out.push({
        key,
        at,
        description: `${title} · ${label}: ${show(value)} lost to ${show(winner)}`,
        restore: node
          ? [{ kind: 'update-node', id, patch: { data: { [field]: value ?? undefined } } }]
          : null,
        inUse: node ? jsonEqual(node.data[field], value ?? undefined) : false,
      });
    } else if (root === 'nodes' && id && part === 'position' && isObject(value)) {
      const x = Number(value['x']);
      const y = Number(value['y']);
      out.push({
        key,
        at,
        description: `${title}: a move to (${Math.round(x)}, ${Math.round(y)}) lost to another move`,
        restore:
          node && Number.isFinite(x) && Number.isFinite(y)
            ? [{ kind: 'update-node', id, patch: { position: { x, y } } }]
            : null,
        inUse: node ? node.position.x === x && node.position.y === y : false,
      });
    } else if (root === 'nodes' && id && part === undefined && isNode(value)) {
      out.push({
        key,
        at,
        description: `${nodeTitle(value.type, value.data)}: edited here but deleted on another device`,
        restore: node
          ? null
          : [
              {
                kind: 'add-node',
                node: {
                  id: value.id,
                  type: value.type,
                  position: value.position,
                  data: value.data,
                },
              },
            ],
        inUse: node !== undefined,
      });
    } else {
      out.push({
        key,
        at,
        description: `${path}: ${show(value)} lost to ${show(winner)}`,
        restore: null,
        inUse: false,
      });
    }
  });
  return out;
}
