/**
 * workflows: a tenant's workflow graphs (nodes and edges of @xyflow/react), their saved
 * versions and the values that lost a same-field sync conflict.
 *
 * Version history:
 *   0: first release.
 *   1: `conflicts` and `tags` became required arrays (a v0 document may lack them).
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { JsonObject, JsonValue, Timestamp } from './json.ts';
import {
  recordFactory,
  syncedRowSchema,
  jsonObjectProperty,
  type StoredDoc,
  type SyncedRow,
} from './synced-row.ts';

export interface WorkflowNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: JsonObject;
  width?: number;
  height?: number;
}

export interface WorkflowEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
  data?: JsonObject;
}

export interface WorkflowVersion {
  id: string;
  name: string;
  created_at: Timestamp;
  created_by: string | null;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

/**
 * A value that lost a same-field conflict (written by sync/merge-workflow.ts). Documents come
 * from other members' devices: readers still check each entry's shape before using it.
 */
export interface WorkflowConflictEntry {
  /** Slash-separated location, e.g. `name` or `nodes/n1/data/prompt`. */
  path: string;
  /** The value that lost (null when the losing side had removed the item). */
  value: JsonValue;
  /** The value that was kept (null when the item was removed). */
  winner: JsonValue;
  at: Timestamp;
}

export interface WorkflowDoc extends SyncedRow {
  name: string;
  description: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  viewport: { x: number; y: number; zoom: number } | null;
  settings: JsonObject;
  versions: WorkflowVersion[];
  /** Values that lost a same-field conflict, kept where the user can see and restore them. */
  conflicts: WorkflowConflictEntry[];
  tags: string[];
}

export const WORKFLOW_NAME_MAX_LENGTH = 200;

export const workflowSchema: RxJsonSchema<StoredDoc<WorkflowDoc>> = {
  title: 'workflows',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowSchema.properties,
    name: { type: 'string', maxLength: WORKFLOW_NAME_MAX_LENGTH },
    description: { type: 'string' },
    nodes: { type: 'array', items: { type: 'object' } },
    edges: { type: 'array', items: { type: 'object' } },
    viewport: { type: ['object', 'null'] },
    settings: jsonObjectProperty,
    versions: { type: 'array', items: { type: 'object' } },
    conflicts: { type: 'array' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: [
    ...syncedRowSchema.required,
    'name',
    'nodes',
    'edges',
    'settings',
    'versions',
    'conflicts',
    'tags',
  ],
  indexes: syncedRowSchema.indexes,
};

export const workflowMigrations: MigrationStrategies = {
  1: (doc: Record<string, unknown>) => ({
    ...doc,
    conflicts: Array.isArray(doc['conflicts']) ? doc['conflicts'] : [],
    tags: Array.isArray(doc['tags']) ? doc['tags'] : [],
  }),
};

/** A new, empty workflow with the table's defaults (supabase/migrations), before its first push. */
export const newWorkflow = recordFactory<WorkflowDoc>(() => ({
  name: '',
  description: '',
  nodes: [],
  edges: [],
  viewport: null,
  settings: {},
  versions: [],
  conflicts: [],
  tags: [],
}));
