/**
 * Three-way merge of a workflow (see merge-fields.ts for the rules of one field).
 * Nodes and edges merge by id, and a node's `data` merges key by key, so two devices that
 * edited different nodes, or different fields of one node, both keep their edits. The same
 * field edited on both sides resolves to the server's value and the local value is appended
 * to the workflow's `conflicts` list ({path, value, winner, at}) where the user can see it
 * and restore it. A node deleted on one side and edited on the other stays deleted and the
 * edited node is kept in `conflicts`. Edges left without one of their nodes are dropped.
 * Pure: `at` is the time stamped on new conflict entries.
 */
import { canonicalJson, jsonEqual, type JsonValue } from '../src/model/json.ts';
import type { WorkflowConflictEntry, WorkflowDoc } from '../src/model/workflow.ts';
import { mergeFields, mergeValue, type FieldConflict, type Fields } from './merge-fields.ts';

type Item = Fields & { id: string };

function asItems(value: unknown): Item[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is Item =>
      item !== null && typeof item === 'object' && typeof (item as Fields)['id'] === 'string',
  );
}

function byId(items: Item[]): Map<string, Item> {
  return new Map(items.map((item) => [item.id, item]));
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (value as JsonValue);
}

/**
 * Merge arrays of items identified by `id`. Order: the server's order, then items only
 * the local side added, in local order.
 */
function mergeItemsById(
  base: unknown,
  ours: unknown,
  theirs: unknown,
  path: string,
  mergeItem: (base: Item | undefined, ours: Item, theirs: Item, path: string) => Item,
  onConflict: (conflict: FieldConflict) => void,
): Item[] {
  const baseItems = byId(asItems(base));
  const ourItems = asItems(ours);
  const ourById = byId(ourItems);
  const theirItems = asItems(theirs);
  const theirById = byId(theirItems);
  const result: Item[] = [];
  for (const their of theirItems) {
    const baseItem = baseItems.get(their.id);
    const our = ourById.get(their.id);
    const itemPath = `${path}/${their.id}`;
    if (our) {
      result.push(mergeItem(baseItem, our, their, itemPath));
    } else if (!baseItem) {
      result.push(their); // added on the server
    } else if (!jsonEqual(baseItem, their)) {
      // Deleted here, edited there: the deletion wins, the edited item stays visible.
      onConflict({ path: itemPath, ours: undefined, theirs: their });
    }
    // else: deleted here, untouched there -> gone.
  }
  for (const our of ourItems) {
    if (theirById.has(our.id)) continue;
    const baseItem = baseItems.get(our.id);
    if (!baseItem) {
      result.push(our); // added here
    } else if (!jsonEqual(baseItem, our)) {
      onConflict({ path: `${path}/${our.id}`, ours: our, theirs: undefined });
    }
  }
  return result;
}

/** Set-like three-way merge of arrays of JSON values (tags, the conflicts list). */
export function mergeSet(base: unknown, ours: unknown, theirs: unknown): unknown[] {
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const keys = (values: unknown[]): Set<string> => new Set(values.map(canonicalJson));
  const baseKeys = keys(list(base));
  const ourKeys = keys(list(ours));
  const theirKeys = keys(list(theirs));
  const result: unknown[] = [];
  const seen = new Set<string>();
  const keep = (value: unknown, key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    result.push(value);
  };
  for (const value of list(theirs)) {
    const key = canonicalJson(value);
    // Removed locally since the base: stays removed.
    if (baseKeys.has(key) && !ourKeys.has(key)) continue;
    keep(value, key);
  }
  for (const value of list(ours)) {
    const key = canonicalJson(value);
    if (theirKeys.has(key)) continue;
    if (baseKeys.has(key)) continue; // removed on the server since the base
    keep(value, key);
  }
  return result;
}

export function mergeWorkflow<T extends Partial<WorkflowDoc>>(
  base: T | undefined,
  ours: T,
  theirs: T,
  at: string,
): T {
  const found: WorkflowConflictEntry[] = [];
  const onConflict = (conflict: FieldConflict): void => {
    found.push({
      path: conflict.path,
      value: toJson(conflict.ours),
      winner: toJson(conflict.theirs),
      at,
    });
  };

  const mergeKeyed = (b: unknown, o: unknown, t: unknown, path: string): unknown => {
    const isObject = (v: unknown): v is Fields =>
      v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObject(o) && isObject(t) && (b === undefined || isObject(b))) {
      return mergeFields(b, o, t, onConflict, { pathPrefix: path });
    }
    return mergeValue(b, o, t, path, onConflict);
  };

  const mergeNode = (b: Item | undefined, o: Item, t: Item, path: string): Item =>
    mergeFields(b, o, t, onConflict, {
      pathPrefix: path,
      custom: { data: mergeKeyed },
    }) as Item;

  const nodes = mergeItemsById(
    base?.nodes,
    ours.nodes,
    theirs.nodes,
    'nodes',
    mergeNode,
    onConflict,
  );
  const nodeIds = new Set(nodes.map((node) => node.id));
  const edges = mergeItemsById(
    base?.edges,
    ours.edges,
    theirs.edges,
    'edges',
    mergeNode,
    onConflict,
  ).filter((edge) => nodeIds.has(String(edge['source'])) && nodeIds.has(String(edge['target'])));

  const merged = mergeFields(base, ours, theirs, onConflict, {
    serverManaged: true,
    // Where each device looks at the canvas is not worth a conflict entry.
    theirsWins: new Set(['viewport']),
    custom: {
      nodes: () => nodes,
      edges: () => edges,
      settings: mergeKeyed,
      versions: (b, o, t, path) =>
        mergeItemsById(b, o, t, path, (_b, _o, their) => their, onConflict),
      tags: (b, o, t) => mergeSet(b, o, t),
      conflicts: (b, o, t) => mergeSet(b, o, t),
    },
  });
  merged['conflicts'] = [...((merged['conflicts'] as unknown[] | undefined) ?? []), ...found];
  return merged as T;
}
