/**
 * workflows: a tenant's workflow graphs (nodes and edges of @xyflow/react), their saved
 * versions and the values that lost a same-field sync conflict.
 *
 * Version history:
 *   0: first release.
 *   1: `conflicts` and `tags` became required arrays (a v0 document may lack them).
 */
import type { RxJsonSchema, MigrationStrategies } from 'rxdb';
import type { WorkflowDoc } from '../../../sync/documents.ts';
import type { StoredDoc } from '../../../sync/local-documents.ts';
import {
  jsonObjectProperty,
  syncedRowIndexes,
  syncedRowProperties,
  syncedRowRequired,
} from './synced-row.ts';

export const workflowSchema: RxJsonSchema<StoredDoc<WorkflowDoc>> = {
  title: 'workflows',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowProperties,
    name: { type: 'string', maxLength: 200 },
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
    ...syncedRowRequired,
    'name',
    'nodes',
    'edges',
    'settings',
    'versions',
    'conflicts',
    'tags',
  ],
  indexes: syncedRowIndexes,
};

export const workflowMigrations: MigrationStrategies = {
  1: (doc: Record<string, unknown>) => ({
    ...doc,
    conflicts: Array.isArray(doc['conflicts']) ? doc['conflicts'] : [],
    tags: Array.isArray(doc['tags']) ? doc['tags'] : [],
  }),
};
