-- Tenancy: organizations, their members and invitations, and one profile per user.
--
-- Every row of Flowkeep belongs to a tenant; Row Level Security on each table is the only
-- thing that decides who sees it. Membership checks run in `private` (not exposed through
-- the API) with definer rights, so policies can ask "is the caller a member?" without
-- recursing into tenant_members' own policies.

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 120),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  plan text not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
  status text not null default 'active'
    check (status in ('active', 'trial', 'suspended', 'cancelled')),
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.tenant_members (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id)
);
create index tenant_members_user_idx on public.tenant_members (user_id, tenant_id);

create table public.tenant_invitations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  email text not null check (email ~ '^[^@\s]+@[^@\s]+$'),
  role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
  -- Only the SHA-256 of the one-time token is kept: a database dump can't be used to join.
  token_hash text not null unique,
  invited_by uuid references auth.users (id) on delete set null,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index tenant_invitations_tenant_idx on public.tenant_invitations (tenant_id, created_at desc);

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  display_name text check (display_name is null or length(display_name) <= 120),
  avatar_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- ---------------------------------------------------------------------------------------
-- Role checks (definer rights: they read tenant_members past its own RLS)
-- ---------------------------------------------------------------------------------------

create function private.role_rank(p_role text) returns int
language sql immutable parallel safe
set search_path = ''
as $$
  select case p_role
    when 'viewer' then 1 when 'member' then 2 when 'admin' then 3 when 'owner' then 4
    else null end
$$;

create function private.current_role_in(p_tenant_id uuid) returns text
language sql stable security definer
set search_path = ''
as $$
  select m.role from public.tenant_members m
  where m.tenant_id = p_tenant_id and m.user_id = (select auth.uid())
$$;

create function private.has_tenant_role(p_tenant_id uuid, p_min_role text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce(
    private.role_rank(private.current_role_in(p_tenant_id)) >= private.role_rank(p_min_role),
    false
  )
$$;

-- The set of tenants where the caller has at least p_min_role. Policies use it as
-- `tenant_id in (select private.tenant_ids_for_current_user('viewer'))`, which Postgres
-- evaluates once per statement (a hashed subplan), not once per row.
create function private.tenant_ids_for_current_user(p_min_role text) returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select m.tenant_id from public.tenant_members m
  where m.user_id = (select auth.uid())
    and private.role_rank(m.role) >= private.role_rank(p_min_role)
$$;

revoke all on function private.role_rank(text), private.current_role_in(uuid),
  private.has_tenant_role(uuid, text), private.tenant_ids_for_current_user(text) from public;
grant execute on function private.role_rank(text), private.current_role_in(uuid),
  private.has_tenant_role(uuid, text), private.tenant_ids_for_current_user(text)
  to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------

create function private.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create trigger tenants_touch before update on public.tenants
  for each row execute function private.touch_updated_at();
create trigger tenant_members_touch before update on public.tenant_members
  for each row execute function private.touch_updated_at();
create trigger profiles_touch before update on public.profiles
  for each row execute function private.touch_updated_at();

-- A tenant's id, creator and creation time never change; only the owner may rename it or
-- change its settings (RLS), and plan/status belong to billing, i.e. the service role.
create function private.guard_tenant_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.id <> old.id or new.created_by is distinct from old.created_by
     or new.created_at <> old.created_at then
    raise exception 'A tenant''s id, creator and creation time cannot change'
      using errcode = '42501';
  end if;
  if (new.plan <> old.plan or new.status <> old.status)
     and coalesce((select auth.role()), '') <> 'service_role' then
    raise exception 'Only billing (the service role) changes a tenant''s plan or status'
      using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger tenants_guard before update on public.tenants
  for each row execute function private.guard_tenant_update();

create function private.guard_profile_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.id <> old.id or new.email is distinct from old.email then
    raise exception 'A profile''s id and email follow the account and cannot be edited here'
      using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger profiles_guard before update on public.profiles
  for each row execute function private.guard_profile_update();

-- A tenant always keeps at least one owner, whichever way a membership changes.
create function private.keep_an_owner() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.role = 'owner'
     and (tg_op = 'DELETE' or new.role <> 'owner')
     and exists (select 1 from public.tenants t where t.id = old.tenant_id)
     and not exists (
       select 1 from public.tenant_members m
       where m.tenant_id = old.tenant_id and m.role = 'owner' and m.user_id <> old.user_id
     ) then
    raise exception 'A tenant must keep at least one owner: make someone else owner first'
      using errcode = '23514';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger tenant_members_keep_owner before update or delete on public.tenant_members
  for each row execute function private.keep_an_owner();

-- ---------------------------------------------------------------------------------------
-- New users: a profile and a personal organization they own
-- ---------------------------------------------------------------------------------------

create function private.unique_tenant_slug(p_name text) returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  v_base text := trim(both '-' from regexp_replace(lower(coalesce(p_name, '')), '[^a-z0-9]+', '-', 'g'));
  v_slug text;
begin
  v_base := left(case when length(v_base) < 2 then 'org' else v_base end, 48);
  v_base := trim(both '-' from v_base);
  v_slug := v_base;
  while exists (select 1 from public.tenants t where t.slug = v_slug) loop
    v_slug := v_base || '-' || substr(md5(gen_random_uuid()::text), 1, 6);
  end loop;
  return v_slug;
end
$$;

create function private.create_tenant_for(p_user_id uuid, p_name text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_tenant_id uuid;
  v_name text := btrim(coalesce(p_name, ''));
begin
  if v_name = '' or length(v_name) > 120 then
    raise exception 'An organization name must have 1 to 120 characters'
      using errcode = '22023';
  end if;
  insert into public.tenants (name, slug, created_by)
  values (v_name, private.unique_tenant_slug(v_name), p_user_id)
  returning id into v_tenant_id;
  insert into public.tenant_members (tenant_id, user_id, role) values (v_tenant_id, p_user_id, 'owner');
  return v_tenant_id;
end
$$;
revoke all on function private.create_tenant_for(uuid, text), private.unique_tenant_slug(text) from public;

create function private.handle_new_user() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, email, display_name)
  values (new.id, new.email, nullif(new.raw_user_meta_data ->> 'display_name', ''));
  perform private.create_tenant_for(
    new.id, coalesce(nullif(new.email, ''), 'My') || '''s Organization');
  return new;
end
$$;
revoke all on function private.handle_new_user() from public;

create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();

-- ---------------------------------------------------------------------------------------
-- Row Level Security
-- ---------------------------------------------------------------------------------------

alter table public.tenants enable row level security;
alter table public.tenant_members enable row level security;
alter table public.tenant_invitations enable row level security;
alter table public.profiles enable row level security;

-- Memberships, invitations and tenant creation change only through the RPCs below, which
-- check roles explicitly; the tables grant reads (and the owner's rename) only.
revoke all on public.tenants, public.tenant_members, public.tenant_invitations, public.profiles
  from anon, authenticated;
grant select, update (name, settings), delete on public.tenants to authenticated;
grant select on public.tenant_members to authenticated;
grant select, delete on public.tenant_invitations to authenticated;
grant select, update (display_name, avatar_url) on public.profiles to authenticated;
grant all on public.tenants, public.tenant_members, public.tenant_invitations, public.profiles
  to service_role;

create policy tenants_select on public.tenants for select to authenticated
  using (id in (select private.tenant_ids_for_current_user('viewer')));
create policy tenants_update on public.tenants for update to authenticated
  using (id in (select private.tenant_ids_for_current_user('owner')))
  with check (id in (select private.tenant_ids_for_current_user('owner')));
create policy tenants_delete on public.tenants for delete to authenticated
  using (id in (select private.tenant_ids_for_current_user('owner')));

create policy tenant_members_select on public.tenant_members for select to authenticated
  using (tenant_id in (select private.tenant_ids_for_current_user('viewer')));

create policy tenant_invitations_select on public.tenant_invitations for select to authenticated
  using (tenant_id in (select private.tenant_ids_for_current_user('admin')));
create policy tenant_invitations_delete on public.tenant_invitations for delete to authenticated
  using (tenant_id in (select private.tenant_ids_for_current_user('admin')));

-- A profile is visible to its owner and to people who share an organization with them.
create policy profiles_select on public.profiles for select to authenticated
  using (
    id = (select auth.uid())
    or id in (
      select m.user_id from public.tenant_members m
      where m.tenant_id in (select private.tenant_ids_for_current_user('viewer'))
    )
  );
create policy profiles_update on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------
-- Organization RPCs (exposed; thin invoker wrappers over definer bodies in `private`)
-- ---------------------------------------------------------------------------------------

create function private.require_user() returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  v_user uuid := (select auth.uid());
begin
  if v_user is null then
    raise exception 'Sign in first: this needs an authenticated user' using errcode = '42501';
  end if;
  return v_user;
end
$$;

create function private.require_role(p_tenant_id uuid, p_min_role text) returns text
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_role text := private.current_role_in(p_tenant_id);
begin
  if v_role is null then
    raise exception 'Organization % not found, or you are not a member of it', p_tenant_id
      using errcode = '42501';
  end if;
  if private.role_rank(v_role) < private.role_rank(p_min_role) then
    raise exception 'Your role (%) cannot do this: it needs % or above', v_role, p_min_role
      using errcode = '42501';
  end if;
  return v_role;
end
$$;

create function private.validate_role(p_role text) returns text
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_role is null or private.role_rank(p_role) is null then
    raise exception 'Unknown role %: use owner, admin, member or viewer', coalesce(p_role, 'null')
      using errcode = '22023';
  end if;
  return p_role;
end
$$;

create function private.create_tenant(p_name text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  return private.create_tenant_for(private.require_user(), p_name);
end
$$;

create function private.invite_member(p_tenant_id uuid, p_email text, p_role text) returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_my_role text := private.require_role(p_tenant_id, 'admin');
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_token text;
begin
  perform private.validate_role(p_role);
  if private.role_rank(p_role) > private.role_rank(v_my_role) then
    raise exception 'You cannot invite someone as % when you are %', p_role, v_my_role
      using errcode = '42501';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+$' then
    raise exception 'Not an email address: %', p_email using errcode = '22023';
  end if;
  -- 256 random bits from two v4 UUIDs (gen_random_uuid uses the CSPRNG); only the hash stays.
  v_token := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
  insert into public.tenant_invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
  values (p_tenant_id, v_email, p_role, encode(sha256(convert_to(v_token, 'UTF8')), 'hex'),
          v_user, now() + interval '7 days');
  return v_token;
end
$$;

create function private.accept_invitation(p_token text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_invitation public.tenant_invitations;
begin
  select * into v_invitation from public.tenant_invitations i
  where i.token_hash = encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
  for update;
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

create function private.set_member_role(p_tenant_id uuid, p_user_id uuid, p_role text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_my_role text := private.require_role(p_tenant_id, 'admin');
  v_their_role text;
begin
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

create function private.remove_member(p_tenant_id uuid, p_user_id uuid) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_my_role text;
  v_their_role text;
begin
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

revoke all on function private.require_user(), private.require_role(uuid, text),
  private.validate_role(text), private.create_tenant(text),
  private.invite_member(uuid, text, text), private.accept_invitation(text),
  private.set_member_role(uuid, uuid, text), private.remove_member(uuid, uuid) from public;
grant execute on function private.require_user(), private.require_role(uuid, text),
  private.validate_role(text), private.create_tenant(text),
  private.invite_member(uuid, text, text), private.accept_invitation(text),
  private.set_member_role(uuid, uuid, text), private.remove_member(uuid, uuid)
  to authenticated, service_role;

create function public.create_tenant(p_name text) returns uuid
language sql volatile security invoker set search_path = ''
as $$ select private.create_tenant(p_name) $$;

create function public.invite_member(p_tenant_id uuid, p_email text, p_role text) returns text
language sql volatile security invoker set search_path = ''
as $$ select private.invite_member(p_tenant_id, p_email, p_role) $$;

create function public.accept_invitation(p_token text) returns uuid
language sql volatile security invoker set search_path = ''
as $$ select private.accept_invitation(p_token) $$;

create function public.set_member_role(p_tenant_id uuid, p_user_id uuid, p_role text) returns void
language sql volatile security invoker set search_path = ''
as $$ select private.set_member_role(p_tenant_id, p_user_id, p_role) $$;

create function public.remove_member(p_tenant_id uuid, p_user_id uuid) returns void
language sql volatile security invoker set search_path = ''
as $$ select private.remove_member(p_tenant_id, p_user_id) $$;

revoke all on function public.create_tenant(text), public.invite_member(uuid, text, text),
  public.accept_invitation(text), public.set_member_role(uuid, uuid, text),
  public.remove_member(uuid, uuid) from public, anon;
grant execute on function public.create_tenant(text), public.invite_member(uuid, text, text),
  public.accept_invitation(text), public.set_member_role(uuid, uuid, text),
  public.remove_member(uuid, uuid) to authenticated, service_role;
