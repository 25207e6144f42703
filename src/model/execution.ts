/**
 * executions: runs of a workflow, with their inputs, outputs and per-node results.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { JsonValue, Timestamp } from './json.ts';
import {
  recordFactory,
  syncedRowSchema,
  nullableTimestampProperty,
  uuidProperty,
  type StoredDoc,
  type SyncedRow,
} from './synced-row.ts';

export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export interface ExecutionDoc extends SyncedRow {
  workflow_id: string;
  status: ExecutionStatus;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  input: JsonValue;
  output: JsonValue;
  node_results: JsonValue;
  error: string | null;
}

export const executionSchema: RxJsonSchema<StoredDoc<ExecutionDoc>> = {
  title: 'executions',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowSchema.properties,
    workflow_id: uuidProperty,
    status: { type: 'string', enum: [...EXECUTION_STATUSES] },
    started_at: nullableTimestampProperty,
    finished_at: nullableTimestampProperty,
    duration_ms: { type: ['integer', 'null'] },
    input: {},
    output: {},
    node_results: {},
    error: { type: ['string', 'null'] },
  },
  required: [...syncedRowSchema.required, 'workflow_id', 'status'],
  indexes: [...syncedRowSchema.indexes, ['tenant_id', 'workflow_id']],
};

export const executionMigrations: MigrationStrategies = {};

const executionFactory = recordFactory<ExecutionDoc>(() => ({
  workflow_id: '',
  status: 'pending',
  started_at: null,
  finished_at: null,
  duration_ms: null,
  input: null,
  output: null,
  node_results: [],
  error: null,
}));

/** A new, pending run of a workflow with the table's defaults (supabase/migrations). */
export function newExecution(
  tenantId: string,
  workflowId: string,
  fields: Partial<StoredDoc<ExecutionDoc>> = {},
): StoredDoc<ExecutionDoc> {
  return executionFactory(tenantId, { workflow_id: workflowId, ...fields });
}
