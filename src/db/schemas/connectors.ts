/**
 * connectors: single- or multi-step calls to external APIs, usable as workflow nodes.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { ConnectorDoc } from '../../../sync/documents.ts';
import type { StoredDoc } from '../../../sync/local-documents.ts';
import {
  jsonObjectProperty,
  nullableTimestampProperty,
  syncedRowIndexes,
  syncedRowProperties,
  syncedRowRequired,
} from './synced-row.ts';

export const connectorSchema: RxJsonSchema<StoredDoc<ConnectorDoc>> = {
  title: 'connectors',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowProperties,
    name: { type: 'string', maxLength: 200 },
    description: { type: 'string' },
    icon: { type: ['string', 'null'] },
    category: { type: ['string', 'null'] },
    type: { type: 'string', enum: ['single-step', 'multi-step'] },
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
  required: [...syncedRowRequired, 'name', 'type', 'config', 'enabled'],
  indexes: syncedRowIndexes,
};

export const connectorMigrations: MigrationStrategies = {};
