/**
 * connectors: single- or multi-step calls to external APIs, usable as workflow nodes.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { JsonObject, Timestamp } from './json.ts';
import {
  recordFactory,
  syncedRowSchema,
  jsonObjectProperty,
  nullableTimestampProperty,
  type StoredDoc,
  type SyncedRow,
} from './synced-row.ts';

export const CONNECTOR_TYPES = ['single-step', 'multi-step'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

export interface ConnectorDoc extends SyncedRow {
  name: string;
  description: string;
  icon: string | null;
  category: string | null;
  type: ConnectorType;
  config: JsonObject;
  input_schema: JsonObject;
  field_mappings: JsonObject;
  enabled: boolean;
  timeout_ms: number;
  max_retries: number;
  continue_on_error: boolean;
  total_executions: number;
  successful_executions: number;
  failed_executions: number;
  last_executed_at: Timestamp | null;
  created_from_template: string | null;
}

export const connectorSchema: RxJsonSchema<StoredDoc<ConnectorDoc>> = {
  title: 'connectors',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowSchema.properties,
    name: { type: 'string', maxLength: 200 },
    description: { type: 'string' },
    icon: { type: ['string', 'null'] },
    category: { type: ['string', 'null'] },
    type: { type: 'string', enum: [...CONNECTOR_TYPES] },
    config: jsonObjectProperty,
    input_schema: jsonObjectProperty,
    field_mappings: jsonObjectProperty,
    enabled: { type: 'boolean' },
    timeout_ms: { type: 'integer' },
    max_retries: { type: 'integer' },
    continue_on_error: { type: 'boolean' },
    total_executions: { type: 'integer' },
    successful_executions: { type: 'integer' },
    failed_executions: { type: 'integer' },
    last_executed_at: nullableTimestampProperty,
    created_from_template: { type: ['string', 'null'], maxLength: 36 },
  },
  required: [...syncedRowSchema.required, 'name', 'type', 'config', 'enabled'],
  indexes: syncedRowSchema.indexes,
};

export const connectorMigrations: MigrationStrategies = {};

/** A new connector with the table's defaults (supabase/migrations). */
export const newConnector = recordFactory<ConnectorDoc>(() => ({
  name: '',
  description: '',
  icon: null,
  category: null,
  type: 'single-step',
  config: {},
  input_schema: {},
  field_mappings: {},
  enabled: true,
  timeout_ms: 30_000,
  max_retries: 3,
  continue_on_error: false,
  total_executions: 0,
  successful_executions: 0,
  failed_executions: 0,
  last_executed_at: null,
  created_from_template: null,
}));
