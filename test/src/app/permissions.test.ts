import { describe, expect, it } from 'vitest';
import { assignableRoles, can, whyNot } from '../../../src/app/permissions.ts';

describe('permissions', () => {
  it('mirrors the roles the policies in supabase/migrations enforce', () => {
    expect(can('viewer', 'edit-workflows')).toBe(false);
    expect(can('member', 'edit-workflows')).toBe(true);
    expect(can('member', 'manage-members')).toBe(false);
    expect(can('admin', 'manage-members')).toBe(true);
    expect(can('admin', 'manage-secrets')).toBe(true);
    expect(can('admin', 'rename-organization')).toBe(false);
    expect(can('owner', 'rename-organization')).toBe(true);
  });

  it('explains a refusal with the role needed, and says nothing when allowed', () => {
    expect(whyNot('viewer', 'edit-workflows')).toBe(
      'As a viewer you cannot create, edit or delete workflows: that needs the member role or above. Ask an admin of this organization.',
    );
    expect(whyNot('owner', 'manage-members')).toBeNull();
  });

  it('never offers a role above the actor’s own', () => {
    expect(assignableRoles('admin')).toEqual(['viewer', 'member', 'admin']);
    expect(assignableRoles('owner')).toEqual(['viewer', 'member', 'admin', 'owner']);
  });
});
