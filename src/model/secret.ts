/**
 * secrets: ciphertext of the tenant's API keys; the plaintext never reaches storage (the
 * vault, src/vault, encrypts and decrypts in the browser).
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { Timestamp } from './json.ts';
import {
  recordFactory,
  syncedRowSchema,
  nullableTimestampProperty,
  type StoredDoc,
  type SyncedRow,
} from './synced-row.ts';

export interface SecretDoc extends SyncedRow {
  name: string;
  provider: string | null;
  secret_type: string;
  /** base64 AES-256-GCM ciphertext; the plaintext never leaves the browser. */
  ciphertext: string;
  /** base64 96-bit IV. */
  iv: string;
  key_version: number;
  description: string;
  tags: string[];
  is_active: boolean;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  usage_count: number;
}

export const secretSchema: RxJsonSchema<StoredDoc<SecretDoc>> = {
  title: 'secrets',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowSchema.properties,
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
  required: [...syncedRowSchema.required, 'name', 'ciphertext', 'iv', 'key_version'],
  indexes: syncedRowSchema.indexes,
};

export const secretMigrations: MigrationStrategies = {};

const secretFactory = recordFactory<SecretDoc>(() => ({
  name: '',
  provider: null,
  secret_type: 'api_key',
  ciphertext: '',
  iv: '',
  key_version: 1,
  description: '',
  tags: [],
  is_active: true,
  expires_at: null,
  last_used_at: null,
  usage_count: 0,
}));

/** A new secret around its ciphertext, with the table's defaults (supabase/migrations). */
export function newSecret(
  tenantId: string,
  encrypted: Pick<SecretDoc, 'ciphertext' | 'iv' | 'key_version'>,
  fields: Partial<StoredDoc<SecretDoc>> = {},
): StoredDoc<SecretDoc> {
  return secretFactory(tenantId, { ...encrypted, ...fields });
}
