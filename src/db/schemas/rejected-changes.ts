/**
 * rejected_changes (local only): writes the server refused, with the reason, so the app
 * can show them; the refused document itself was returned to the server's state.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { RejectedChangeDoc } from '../../../sync/local-documents.ts';
import { timestampProperty, uuidProperty } from './synced-row.ts';

export const rejectedChangeSchema: RxJsonSchema<RejectedChangeDoc> = {
  title: 'rejected_changes',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 160 },
    collection_name: { type: 'string', maxLength: 40 },
    document_id: uuidProperty,
    tenant_id: uuidProperty,
    document: { type: 'object' },
    code: { type: 'string' },
    message: { type: 'string' },
    reason: { type: 'string' },
    rejected_at: timestampProperty,
  },
  required: [
    'id',
    'collection_name',
    'document_id',
    'tenant_id',
    'document',
    'code',
    'rejected_at',
  ],
  indexes: ['rejected_at'],
};

export const rejectedChangeMigrations: MigrationStrategies = {};
