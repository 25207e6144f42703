-- Membership changes of one tenant run one at a time, and a new user's personal organization
-- is named within the 120 characters a tenant name may have.
--
-- "A tenant always keeps an owner" (keep_an_owner in 20261123000001_tenancy.sql) looked at the
-- other owners as of its own snapshot: on PostgreSQL two owners leaving (or demoting each
-- other) at the same moment each saw the other still owner, both committed, and the tenant was
-- left without an owner. Every RPC that reads or changes a tenant's members now first takes a
-- transaction-level advisory lock on that tenant, and so does the trigger (for any other path,
-- e.g. the service role); in READ COMMITTED each later statement sees what the previous holder
-- committed, so role checks and the owner count are always current.

create function private.lock_tenant_membership(p_tenant_id uuid) returns void
language sql volatile
set search_path = ''
as $$
  select pg_advisory_xact_lock(hashtextextended('flowkeep.tenant_members:' || p_tenant_id::text, 0))
$$;
revoke all on function private.lock_tenant_membership(uuid) from public;
grant execute on function private.lock_tenant_membership(uuid) to authenticated, service_role;

create or replace function private.keep_an_owner() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner') then
    perform private.lock_tenant_membership(old.tenant_id);
    if exists (select 1 from public.tenants t where t.id = old.tenant_id)
       and not exists (
         select 1 from public.tenant_members m
         where m.tenant_id = old.tenant_id and m.role = 'owner' and m.user_id <> old.user_id
       ) then
      raise exception 'A tenant must keep at least one owner: make someone else owner first'
        using errcode = '23514';
    end if;
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;

create or replace function private.invite_member(p_tenant_id uuid, p_email text, p_role text)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_my_role text;
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_token text;
begin
  perform private.lock_tenant_membership(p_tenant_id);
  v_my_role := private.require_role(p_tenant_id, 'admin');
  perform private.validate_role(p_role);
  if private.role_rank(p_role) > private.role_rank(v_my_role) then
    raise exception 'You cannot invite someone as % when you are %', p_role, v_my_role
      using errcode = '42501';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+$' or octet_length(v_email) > 320 then
    raise exception 'Not an email address: %', left(p_email, 320) using errcode = '22023';
  end if;
  -- 256 random bits from two v4 UUIDs (gen_random_uuid uses the CSPRNG); only the hash stays.
  v_token := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
  insert into public.tenant_invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
  values (p_tenant_id, v_email, p_role, encode(sha256(convert_to(v_token, 'UTF8')), 'hex'),
          v_user, now() + interval '7 days');
  return v_token;
end
$$;

create or replace function private.accept_invitation(p_token text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_invitation public.tenant_invitations;
begin
  select * into v_invitation from public.tenant_invitations i
  where i.token_hash = encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex');
  if not found then
    raise exception 'This invitation link is not valid: ask for a new one' using errcode = '22023';
  end if;
  perform private.lock_tenant_membership(v_invitation.tenant_id);
  -- Read again under the lock: it may have been used or withdrawn meanwhile.
  select * into v_invitation from public.tenant_invitations i
  where i.id = v_invitation.id for update;
  if not found then
    raise exception 'This invitation link is not valid: ask for a new one' using errcode = '22023';
  end if;
  if v_invitation.accepted_at is not null then
    raise exception 'This invitation was already used: ask for a new one' using errcode = '22023';
  end if;
  if v_invitation.expires_at < now() then
    raise exception 'This invitation expired on %: ask for a new one', v_invitation.expires_at
      using errcode = '22023';
  end if;
  update public.tenant_invitations
  set accepted_at = now(), accepted_by = v_user
  where id = v_invitation.id;
  -- Joining never lowers a role someone already has.
  insert into public.tenant_members (tenant_id, user_id, role, invited_by)
  values (v_invitation.tenant_id, v_user, v_invitation.role, v_invitation.invited_by)
  on conflict (tenant_id, user_id) do update
    set role = excluded.role
    where private.role_rank(excluded.role) > private.role_rank(public.tenant_members.role);
  return v_invitation.tenant_id;
end
$$;

create or replace function private.set_member_role(p_tenant_id uuid, p_user_id uuid, p_role text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_my_role text;
  v_their_role text;
begin
  perform private.lock_tenant_membership(p_tenant_id);
  v_my_role := private.require_role(p_tenant_id, 'admin');
  perform private.validate_role(p_role);
  select m.role into v_their_role from public.tenant_members m
  where m.tenant_id = p_tenant_id and m.user_id = p_user_id for update;
  if v_their_role is null then
    raise exception 'That user is not a member of this organization' using errcode = '22023';
  end if;
  -- An admin manages people up to their own rank, never above it.
  if private.role_rank(p_role) > private.role_rank(v_my_role)
     or private.role_rank(v_their_role) > private.role_rank(v_my_role) then
    raise exception 'Your role (%) cannot change a % into a %', v_my_role, v_their_role, p_role
      using errcode = '42501';
  end if;
  update public.tenant_members set role = p_role
  where tenant_id = p_tenant_id and user_id = p_user_id;
end
$$;

create or replace function private.remove_member(p_tenant_id uuid, p_user_id uuid) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_my_role text;
  v_their_role text;
begin
  perform private.lock_tenant_membership(p_tenant_id);
  -- Anyone may leave; removing somebody else needs admin, and a rank at least theirs.
  if p_user_id = v_user then
    v_my_role := private.require_role(p_tenant_id, 'viewer');
  else
    v_my_role := private.require_role(p_tenant_id, 'admin');
  end if;
  select m.role into v_their_role from public.tenant_members m
  where m.tenant_id = p_tenant_id and m.user_id = p_user_id for update;
  if v_their_role is null then
    raise exception 'That user is not a member of this organization' using errcode = '22023';
  end if;
  if p_user_id <> v_user and private.role_rank(v_their_role) > private.role_rank(v_my_role) then
    raise exception 'Your role (%) cannot remove a %', v_my_role, v_their_role
      using errcode = '42501';
  end if;
  delete from public.tenant_members where tenant_id = p_tenant_id and user_id = p_user_id;
end
$$;

-- A personal organization is named after the e-mail address, which may have up to 254
-- characters: the name keeps the first 105 of it so it fits the tenant name's 120.
create or replace function private.handle_new_user() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, email, display_name)
  values (new.id, new.email, nullif(new.raw_user_meta_data ->> 'display_name', ''));
  perform private.create_tenant_for(
    new.id, left(coalesce(nullif(new.email, ''), 'My'), 105) || '''s Organization');
  return new;
end
$$;
