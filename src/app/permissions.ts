/**
 * What each role may do, in words for the UI: the table itself is src/model/roles.ts. The UI
 * uses it to hide or disable controls and to say why; the server refuses anyway.
 */
import { hasCapability, minimumRole, type Capability, type TenantRole } from '../model/roles.ts';

export { assignableRoles } from '../model/roles.ts';

export type TenantAction = Capability;

const WHAT: Record<TenantAction, string> = {
  read: "see this organization's workflows",
  'edit-workflows': 'create, edit or delete workflows',
  'use-secrets': 'see secrets',
  'manage-members': 'invite or manage members',
  'manage-secrets': 'add or change secrets',
  'rename-organization': 'rename or delete the organization',
};

export function can(role: TenantRole, action: TenantAction): boolean {
  return hasCapability(role, action);
}

/** The sentence shown next to a disabled control, or null when the role allows the action. */
export function whyNot(role: TenantRole, action: TenantAction): string | null {
  if (can(role, action)) return null;
  return `As ${article(role)} ${role} you cannot ${WHAT[action]}: that needs the ${minimumRole(action)} role or above. Ask an admin of this organization.`;
}

function article(role: TenantRole): string {
  return role === 'owner' || role === 'admin' ? 'an' : 'a';
}
