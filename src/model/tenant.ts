/**
 * tenants (local only): the organizations the signed-in user belongs to and their role in
 * each, refreshed on every sync cycle, so the organization switcher works offline.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { JsonObject, Timestamp } from './json.ts';
import { TENANT_ROLES, type TenantRole } from './roles.ts';
import { timestampProperty, uuidProperty } from './synced-row.ts';

/** A tenant the signed-in user belongs to, with the user's role in it. */
export interface TenantDoc {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: string;
  settings: JsonObject;
  role: TenantRole;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export const tenantSchema: RxJsonSchema<TenantDoc> = {
  title: 'tenants',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: uuidProperty,
    name: { type: 'string', maxLength: 200 },
    slug: { type: 'string' },
    plan: { type: 'string' },
    status: { type: 'string' },
    settings: { type: 'object' },
    role: { type: 'string', enum: [...TENANT_ROLES] },
    created_at: timestampProperty,
    updated_at: timestampProperty,
  },
  required: ['id', 'name', 'role'],
};

export const tenantMigrations: MigrationStrategies = {};
