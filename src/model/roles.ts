/**
 * Who may do what in an organization: the one capability table. The server decides (the
 * policies and RPCs in supabase/migrations); this table mirrors them so the sync layer keeps
 * only what the user may read, the vault shares keys only with who may use secrets, and the
 * app hides or explains controls the role does not allow.
 */
import type { SyncedCollection } from './collections.ts';

export const TENANT_ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** owner > admin > member > viewer. */
export const ROLE_RANK: Record<TenantRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };

/** The lowest role that has each capability. */
export const CAPABILITIES = {
  /** See the organization's workflows, knowledge bases, connectors and runs. */
  read: 'viewer',
  /** Create, edit or delete workflows. */
  'edit-workflows': 'member',
  /** Hold the tenant vault key: read secrets and use them in runs. */
  'use-secrets': 'member',
  /** Add, change or delete secrets; set up, share and rotate the vault key. */
  'manage-secrets': 'admin',
  /** Invite members and change their roles. */
  'manage-members': 'admin',
  /** Rename or delete the organization. */
  'rename-organization': 'owner',
} as const satisfies Record<string, TenantRole>;
export type Capability = keyof typeof CAPABILITIES;

/** The lowest role with `capability`. */
export function minimumRole(capability: Capability): TenantRole {
  return CAPABILITIES[capability];
}

/** Whether `role` (null: not a member) has `capability`. */
export function hasCapability(role: TenantRole | null, capability: Capability): boolean {
  return role !== null && ROLE_RANK[role] >= ROLE_RANK[CAPABILITIES[capability]];
}

/** Roles `actor` may hand out: never above their own. */
export function assignableRoles(actor: TenantRole): TenantRole[] {
  return TENANT_ROLES.filter((role) => ROLE_RANK[role] <= ROLE_RANK[actor]);
}

/** What reading each synced collection needs (mirrors private.read_role_for on the server). */
export const READ_CAPABILITY: Record<SyncedCollection, Capability> = {
  workflows: 'read',
  knowledge_bases: 'read',
  kb_documents: 'read',
  connectors: 'read',
  secrets: 'use-secrets',
  executions: 'read',
};
