/**
 * What each role may do, mirrored from the policies in supabase/migrations (DESIGN.md, Roles).
 * The UI uses it to hide or disable controls and to say why; the server refuses anyway.
 */
import { ROLE_RANK, type TenantRole } from '../../sync/documents.ts';

export type TenantAction =
  'edit-workflows' | 'manage-members' | 'manage-secrets' | 'read-secrets' | 'rename-organization';

const MINIMUM_ROLE: Record<TenantAction, TenantRole> = {
  'edit-workflows': 'member',
  'read-secrets': 'member',
  'manage-members': 'admin',
  'manage-secrets': 'admin',
  'rename-organization': 'owner',
};

const WHAT: Record<TenantAction, string> = {
  'edit-workflows': 'create, edit or delete workflows',
  'read-secrets': 'see secrets',
  'manage-members': 'invite or manage members',
  'manage-secrets': 'add or change secrets',
  'rename-organization': 'rename or delete the organization',
};

export function can(role: TenantRole, action: TenantAction): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[MINIMUM_ROLE[action]];
}

/** The sentence shown next to a disabled control, or null when the role allows the action. */
export function whyNot(role: TenantRole, action: TenantAction): string | null {
  if (can(role, action)) return null;
  return `As ${article(role)} ${role} you cannot ${WHAT[action]}: that needs the ${MINIMUM_ROLE[action]} role or above. Ask an admin of this organization.`;
}

/** Roles `actor` may hand out: never above their own. */
export function assignableRoles(actor: TenantRole): TenantRole[] {
  const all: TenantRole[] = ['viewer', 'member', 'admin', 'owner'];
  return all.filter((role) => ROLE_RANK[role] <= ROLE_RANK[actor]);
}

function article(role: TenantRole): string {
  return role === 'owner' || role === 'admin' ? 'an' : 'a';
}
