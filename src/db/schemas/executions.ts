/**
 * executions: runs of a workflow, with their inputs, outputs and per-node results.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { ExecutionDoc } from '../../../sync/documents.ts';
import type { StoredDoc } from '../../../sync/local-documents.ts';
import {
  nullableTimestampProperty,
  syncedRowIndexes,
  syncedRowProperties,
  syncedRowRequired,
  uuidProperty,
} from './synced-row.ts';

export const executionSchema: RxJsonSchema<StoredDoc<ExecutionDoc>> = {
  title: 'executions',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowProperties,
    workflow_id: uuidProperty,
    status: { type: 'string', enum: ['pending', 'running', 'succeeded', 'failed', 'cancelled'] },
    started_at: nullableTimestampProperty,
    finished_at: nullableTimestampProperty,
    duration_ms: { type: ['integer', 'null'] },
    input: {},
    output: {},
    node_results: {},
    error: { type: ['string', 'null'] },
  },
  required: [...syncedRowRequired, 'workflow_id', 'status'],
  indexes: [...syncedRowIndexes, ['tenant_id', 'workflow_id']],
};

export const executionMigrations: MigrationStrategies = {};
