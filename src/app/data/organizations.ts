/**
 * Organization commands that only the server can carry out (membership is decided there):
 * create an organization, list, invite, change role, remove, leave, accept an invitation.
 * Each needs a connection; errors come back as sentences the screens show as they are.
 */
import { RpcError, sqlStateOf } from '../../model/errors.ts';
import type { TenantRole } from '../../model/roles.ts';
import { describeError, getSupabase } from '../auth/supabase-client.ts';

export interface Member {
  userId: string;
  email: string;
  displayName: string | null;
  role: TenantRole;
  joinedAt: string;
}

async function call<T>(run: () => Promise<{ data: T; error: unknown }>): Promise<T> {
  let result: { data: T; error: unknown };
  try {
    result = await run();
  } catch (error) {
    throw new RpcError(describeError(error), null);
  }
  if (result.error) throw new RpcError(describeError(result.error), sqlStateOf(result.error));
  return result.data;
}

export async function createOrganization(name: string): Promise<string> {
  const supabase = await getSupabase();
  return (await call(async () => await supabase.rpc('create_tenant', { p_name: name }))) as string;
}

export async function listMembers(tenantId: string): Promise<Member[]> {
  const supabase = await getSupabase();
  const members = (await call(
    async () =>
      await supabase
        .from('tenant_members')
        .select('user_id,role,created_at')
        .eq('tenant_id', tenantId),
  )) as Array<{ user_id: string; role: TenantRole; created_at: string }>;
  if (members.length === 0) return [];
  const profiles = (await call(
    async () =>
      await supabase
        .from('profiles')
        .select('id,email,display_name')
        .in(
          'id',
          members.map((m) => m.user_id),
        ),
  )) as Array<{ id: string; email: string | null; display_name: string | null }>;
  const byId = new Map(profiles.map((p) => [p.id, p]));
  return members
    .map((m) => ({
      userId: m.user_id,
      email: byId.get(m.user_id)?.email ?? '(unknown)',
      displayName: byId.get(m.user_id)?.display_name ?? null,
      role: m.role,
      joinedAt: m.created_at,
    }))
    .sort((a, b) => a.email.localeCompare(b.email));
}

/** Returns the link that opens the accept screen; the token rides in the URL fragment. */
export async function inviteMember(
  tenantId: string,
  email: string,
  role: TenantRole,
): Promise<string> {
  const supabase = await getSupabase();
  const token = (await call(
    async () =>
      await supabase.rpc('invite_member', { p_tenant_id: tenantId, p_email: email, p_role: role }),
  )) as string;
  return `${location.origin}/invite#token=${encodeURIComponent(token)}`;
}

export async function acceptInvitation(token: string): Promise<string> {
  const supabase = await getSupabase();
  return (await call(
    async () => await supabase.rpc('accept_invitation', { p_token: token }),
  )) as string;
}

export async function setMemberRole(
  tenantId: string,
  userId: string,
  role: TenantRole,
): Promise<void> {
  const supabase = await getSupabase();
  await call(
    async () =>
      await supabase.rpc('set_member_role', {
        p_tenant_id: tenantId,
        p_user_id: userId,
        p_role: role,
      }),
  );
}

/** Also how a user leaves: remove themselves. */
export async function removeMember(tenantId: string, userId: string): Promise<void> {
  const supabase = await getSupabase();
  await call(
    async () => await supabase.rpc('remove_member', { p_tenant_id: tenantId, p_user_id: userId }),
  );
}
