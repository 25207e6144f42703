/**
 * secrets: ciphertext of the tenant's API keys; the plaintext never reaches storage.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { SecretDoc } from '../../../sync/documents.ts';
import type { StoredDoc } from '../../../sync/local-documents.ts';
import {
  nullableTimestampProperty,
  syncedRowIndexes,
  syncedRowProperties,
  syncedRowRequired,
} from './synced-row.ts';

export const secretSchema: RxJsonSchema<StoredDoc<SecretDoc>> = {
  title: 'secrets',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowProperties,
    name: { type: 'string', maxLength: 200 },
    provider: { type: ['string', 'null'] },
    secret_type: { type: 'string' },
    ciphertext: { type: 'string' },
    iv: { type: 'string' },
    key_version: { type: 'integer' },
    description: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    is_active: { type: 'boolean' },
    expires_at: nullableTimestampProperty,
    last_used_at: nullableTimestampProperty,
    usage_count: { type: 'integer' },
  },
  required: [...syncedRowRequired, 'name', 'ciphertext', 'iv', 'key_version'],
  indexes: syncedRowIndexes,
};

export const secretMigrations: MigrationStrategies = {};
