-- The end-to-end encrypted secrets vault (DESIGN.md, "Secrets").
--
-- The server never sees a secret's value or a usable key. It stores, per user, an ECDH P-256
-- public key and the private key wrapped by a passphrase-derived key; per tenant, the
-- current version of the vault key and that key wrapped for each member's public key; and a
-- log of who used or changed which secret. Keys are generated, wrapped and rotated by
-- clients; the RPCs here only check roles and versions and apply each change atomically.
--
-- The wrapped private key lives in its own table rather than in `profiles`: co-members may
-- read each other's profiles, and a wrapped private key in their hands could be attacked
-- offline by guessing passphrases. Public keys reach co-members through `vault_members`.

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

create table public.vault_user_keys (
  user_id uuid primary key references auth.users (id) on delete cascade,
  -- base64 of the raw uncompressed P-256 point: 65 bytes, 88 characters with one '='.
  public_key text not null check (public_key ~ '^[A-Za-z0-9+/]{87}=$'),
  wrapped_private_key text not null
    check (wrapped_private_key ~ '^[A-Za-z0-9+/]+={0,2}$' and length(wrapped_private_key) < 1000),
  wrapped_private_key_iv text not null check (wrapped_private_key_iv ~ '^[A-Za-z0-9+/]{16}$'),
  -- The KDF travels with the wrapped key so its cost can be raised later.
  kdf jsonb not null check (
    kdf ->> 'algorithm' = 'PBKDF2-SHA256'
    and jsonb_typeof(kdf -> 'iterations') = 'number'
    and (kdf ->> 'iterations')::numeric >= 600000
    and jsonb_typeof(kdf -> 'salt') = 'string'
  ),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.tenant_vault_state (
  tenant_id uuid primary key references public.tenants (id) on delete cascade,
  current_version int not null check (current_version >= 1),
  -- Set when someone who held the key leaves or drops below `member`; the first admin
  -- client online rotates the key and clears it.
  rotation_needed_since timestamptz,
  rotated_at timestamptz not null default now(),
  rotated_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);

create table public.tenant_vault_keys (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  key_version int not null check (key_version >= 1),
  -- JSON: {v, alg, epk, salt, iv, ct} (src/vault/tenant-key-wrap.ts).
  wrapped_key text not null check (length(wrapped_key) < 2000),
  -- The recipient public key it was wrapped for: a key wrapped for a key pair the user has
  -- since replaced is useless, and the user is listed as pending again.
  recipient_public_key text not null,
  wrapped_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id, key_version)
);
create index tenant_vault_keys_user_idx on public.tenant_vault_keys (user_id);

create table public.secret_audit_log (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  -- No foreign key: the trail outlives a purged secret.
  secret_id uuid,
  secret_name text,
  action text not null
    check (action in ('created', 'updated', 'rotated', 'rekeyed', 'used', 'revealed', 'deleted', 'restored')),
  actor_id uuid references auth.users (id) on delete set null,
  workflow_id uuid,
  key_version int,
  at timestamptz not null default now()
);
create index secret_audit_log_tenant_idx on public.secret_audit_log (tenant_id, at desc);
create index secret_audit_log_secret_idx on public.secret_audit_log (secret_id, at desc);

create trigger vault_user_keys_touch before update on public.vault_user_keys
  for each row execute function private.touch_updated_at();

-- ---------------------------------------------------------------------------------------
-- Row Level Security: reads only; every write goes through the RPCs below
-- ---------------------------------------------------------------------------------------

alter table public.vault_user_keys enable row level security;
alter table public.tenant_vault_state enable row level security;
alter table public.tenant_vault_keys enable row level security;
alter table public.secret_audit_log enable row level security;

revoke all on public.vault_user_keys, public.tenant_vault_state, public.tenant_vault_keys,
  public.secret_audit_log from anon, authenticated;
grant select on public.vault_user_keys, public.tenant_vault_state, public.tenant_vault_keys,
  public.secret_audit_log to authenticated;
grant all on public.vault_user_keys, public.tenant_vault_state, public.tenant_vault_keys,
  public.secret_audit_log to service_role;

create policy vault_user_keys_select on public.vault_user_keys for select to authenticated
  using (user_id = (select auth.uid()));

create policy tenant_vault_state_select on public.tenant_vault_state for select to authenticated
  using (tenant_id in (select private.tenant_ids_for_current_user('member')));

-- A wrapped tenant key is visible to its owner while they may still use secrets, and to
-- the tenant's admins.
create policy tenant_vault_keys_select on public.tenant_vault_keys for select to authenticated
  using (
    (user_id = (select auth.uid())
      and tenant_id in (select private.tenant_ids_for_current_user('member')))
    or tenant_id in (select private.tenant_ids_for_current_user('admin'))
  );

create policy secret_audit_log_select on public.secret_audit_log for select to authenticated
  using (tenant_id in (select private.tenant_ids_for_current_user('admin')));

-- ---------------------------------------------------------------------------------------
-- Guards on `secrets` and `tenant_members`
-- ---------------------------------------------------------------------------------------

-- Once a tenant has a vault, a secret's ciphertext must be under the current key version:
-- a device that missed a rotation can't write a value that the remaining members' keys (or
-- a removed member's old key) would have to open. FOR SHARE makes a write wait for a
-- rotation in progress and then see its new version, so no secret slips past a rotation.
create function private.vault_check_secret_version() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_current int;
begin
  if tg_op = 'UPDATE' and new.ciphertext = old.ciphertext and new.iv = old.iv
     and new.key_version = old.key_version then
    return new;
  end if;
  select s.current_version into v_current from public.tenant_vault_state s
  where s.tenant_id = new.tenant_id for share;
  if v_current is not null and new.key_version <> v_current then
    raise exception 'This secret is encrypted with vault key version %, but the organization''s key is now at version %: it was not saved',
      new.key_version, v_current
      using errcode = '40001',
            hint = 'The vault key was rotated meanwhile: unlock the vault again and re-enter the value.';
  end if;
  return new;
end
$$;
create trigger vault_check_secret_version before insert or update on public.secrets
  for each row execute function private.vault_check_secret_version();

-- Who is acting, or null for maintenance by the database owner. auth.uid() itself fails
-- when a connection's `request.jwt.claims` was reset to '' by an earlier transaction.
create function private.vault_actor() returns uuid
language plpgsql stable
set search_path = ''
as $$
begin
  return (select auth.uid());
exception when others then
  return null;
end
$$;

-- Every change of a secret is logged by the database itself, so no client can skip it.
create function private.vault_log_secret_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_action text;
begin
  if tg_op = 'INSERT' then
    v_action := case when new._deleted then 'deleted' else 'created' end;
  elsif new._deleted and not old._deleted then
    v_action := 'deleted';
  elsif old._deleted and not new._deleted then
    v_action := 'restored';
  elsif new.ciphertext <> old.ciphertext or new.key_version <> old.key_version then
    v_action := case when current_setting('flowkeep.vault_rekey', true) = 'on'
                     then 'rekeyed' else 'updated' end;
  elsif (new.name, new.provider, new.secret_type, new.description, new.tags, new.is_active,
         new.expires_at)
        is distinct from
        (old.name, old.provider, old.secret_type, old.description, old.tags, old.is_active,
         old.expires_at) then
    v_action := 'updated';
  else
    -- Usage counters only: `vault_record_secret_event` logs those itself.
    return null;
  end if;
  insert into public.secret_audit_log (tenant_id, secret_id, secret_name, action, actor_id, key_version)
  values (new.tenant_id, new.id, new.name, v_action, private.vault_actor(), new.key_version);
  return null;
end
$$;
create trigger vault_log_secret_change after insert or update on public.secrets
  for each row execute function private.vault_log_secret_change();

-- Someone who could read secrets leaving, or dropping below `member`, calls for a new key.
-- Their wrapped keys go at once; the rotation itself needs an admin's client.
create function private.vault_on_membership_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if private.role_rank(old.role) >= private.role_rank('member')
     and (tg_op = 'DELETE' or private.role_rank(new.role) < private.role_rank('member')) then
    delete from public.tenant_vault_keys k
    where k.tenant_id = old.tenant_id and k.user_id = old.user_id;
    update public.tenant_vault_state s
    set rotation_needed_since = coalesce(s.rotation_needed_since, now())
    where s.tenant_id = old.tenant_id;
  end if;
  return null;
end
$$;
create trigger vault_on_membership_change after update of role or delete on public.tenant_members
  for each row execute function private.vault_on_membership_change();

revoke all on function private.vault_actor(), private.vault_check_secret_version(),
  private.vault_log_secret_change(), private.vault_on_membership_change() from public;

-- ---------------------------------------------------------------------------------------
-- RPC bodies (definer rights, explicit role checks)
-- ---------------------------------------------------------------------------------------

create function private.vault_get_my_key() returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select to_jsonb(k) from public.vault_user_keys k where k.user_id = private.require_user()
$$;

-- Saves the caller's key pair. The same public key with a new wrapping is a passphrase
-- change; a new public key is a reset (forgotten passphrase): every tenant key wrapped for
-- the old pair becomes useless, is dropped, and the caller is listed as pending again.
create function private.vault_save_my_key(
  p_public_key text, p_wrapped_private_key text, p_wrapped_private_key_iv text, p_kdf jsonb
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_old_public_key text;
  v_dropped int := 0;
begin
  select k.public_key into v_old_public_key from public.vault_user_keys k
  where k.user_id = v_user for update;
  insert into public.vault_user_keys as k
    (user_id, public_key, wrapped_private_key, wrapped_private_key_iv, kdf)
  values (v_user, p_public_key, p_wrapped_private_key, p_wrapped_private_key_iv, p_kdf)
  on conflict (user_id) do update
    set public_key = excluded.public_key,
        wrapped_private_key = excluded.wrapped_private_key,
        wrapped_private_key_iv = excluded.wrapped_private_key_iv,
        kdf = excluded.kdf;
  if v_old_public_key is not null and v_old_public_key <> p_public_key then
    delete from public.tenant_vault_keys k where k.user_id = v_user;
    get diagnostics v_dropped = row_count;
  end if;
  return jsonb_build_object(
    'reset', v_old_public_key is not null and v_old_public_key <> p_public_key,
    'dropped_keys', v_dropped);
end
$$;

-- What a client needs to open a tenant's vault: the caller's role, the current version,
-- and the tenant keys wrapped for the caller's current key pair.
create function private.vault_open(p_tenant_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_role text := private.require_role(p_tenant_id, 'viewer');
  v_state public.tenant_vault_state;
  v_keys jsonb;
begin
  select * into v_state from public.tenant_vault_state s where s.tenant_id = p_tenant_id;
  select coalesce(jsonb_agg(jsonb_build_object('key_version', k.key_version, 'wrapped_key', k.wrapped_key)
                            order by k.key_version), '[]'::jsonb)
    into v_keys
  from public.tenant_vault_keys k
  join public.vault_user_keys u on u.user_id = k.user_id and u.public_key = k.recipient_public_key
  where k.tenant_id = p_tenant_id and k.user_id = v_user
    and private.role_rank(v_role) >= private.role_rank('member');
  return jsonb_build_object(
    'role', v_role,
    'current_version', v_state.current_version,
    'rotation_needed_since', v_state.rotation_needed_since,
    'keys', v_keys);
end
$$;

-- Members who may use secrets, with their public keys and whether they hold the current key.
create function private.vault_members(p_tenant_id uuid)
returns table (user_id uuid, role text, public_key text, has_current_key boolean)
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_role(p_tenant_id, 'member');
  return query
    select m.user_id, m.role, u.public_key,
      exists (
        select 1 from public.tenant_vault_keys k
        join public.tenant_vault_state s on s.tenant_id = k.tenant_id
          and s.current_version = k.key_version
        where k.tenant_id = m.tenant_id and k.user_id = m.user_id
          and k.recipient_public_key = u.public_key)
    from public.tenant_members m
    left join public.vault_user_keys u on u.user_id = m.user_id
    where m.tenant_id = p_tenant_id
      and private.role_rank(m.role) >= private.role_rank('member')
    order by m.created_at, m.user_id;
end
$$;

create function private.vault_initialize(p_tenant_id uuid, p_wrapped_key text) returns int
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_public_key text;
begin
  perform private.require_role(p_tenant_id, 'admin');
  select k.public_key into v_public_key from public.vault_user_keys k where k.user_id = v_user;
  if v_public_key is null then
    raise exception 'Set up your own vault passphrase first' using errcode = '22023';
  end if;
  insert into public.tenant_vault_state (tenant_id, current_version, rotated_by)
  values (p_tenant_id, 1, v_user)
  on conflict (tenant_id) do nothing;
  if not found then
    raise exception 'This organization''s vault was already set up by someone else: nothing was changed'
      using errcode = '40001', hint = 'Reload; an admin''s Flowkeep will share the key with you.';
  end if;
  insert into public.tenant_vault_keys (tenant_id, user_id, key_version, wrapped_key,
                                        recipient_public_key, wrapped_by)
  values (p_tenant_id, v_user, 1, p_wrapped_key, v_public_key, v_user);
  return 1;
end
$$;

-- Stores keys wrapped for members ([{user_id, public_key, wrapped_key}]). A grant made for
-- a public key the member has since replaced, or for someone no longer allowed, is skipped
-- and returned, so a race with a reset never stores a useless key.
create function private.vault_grant_keys(p_tenant_id uuid, p_key_version int, p_grants jsonb)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_current int;
  v_grant jsonb;
  v_granted jsonb := '[]'::jsonb;
  v_skipped jsonb := '[]'::jsonb;
begin
  perform private.require_role(p_tenant_id, 'admin');
  if p_grants is null or jsonb_typeof(p_grants) <> 'array' then
    raise exception 'p_grants must be a JSON array of {user_id, public_key, wrapped_key}'
      using errcode = '22023';
  end if;
  select s.current_version into v_current from public.tenant_vault_state s
  where s.tenant_id = p_tenant_id for share;
  if v_current is distinct from p_key_version then
    raise exception 'The vault key moved to version % meanwhile (this grant is for version %): nothing was changed',
      coalesce(v_current::text, 'none'), p_key_version
      using errcode = '40001', hint = 'Reload the vault and grant again.';
  end if;
  for v_grant in select value from jsonb_array_elements(p_grants) loop
    if exists (
      select 1 from public.tenant_members m
      join public.vault_user_keys u on u.user_id = m.user_id
      where m.tenant_id = p_tenant_id and m.user_id = (v_grant ->> 'user_id')::uuid
        and private.role_rank(m.role) >= private.role_rank('member')
        and u.public_key = v_grant ->> 'public_key'
    ) then
      insert into public.tenant_vault_keys as k (tenant_id, user_id, key_version, wrapped_key,
                                                 recipient_public_key, wrapped_by)
      values (p_tenant_id, (v_grant ->> 'user_id')::uuid, p_key_version,
              v_grant ->> 'wrapped_key', v_grant ->> 'public_key', v_user)
      on conflict (tenant_id, user_id, key_version) do update
        set wrapped_key = excluded.wrapped_key,
            recipient_public_key = excluded.recipient_public_key,
            wrapped_by = excluded.wrapped_by,
            created_at = now();
      v_granted := v_granted || jsonb_build_array(v_grant -> 'user_id');
    else
      v_skipped := v_skipped || jsonb_build_array(v_grant -> 'user_id');
    end if;
  end loop;
  return jsonb_build_object('granted', v_granted, 'skipped', v_skipped);
end
$$;

-- One transaction: the next key version, every live secret re-encrypted under it
-- ([{id, ciphertext, iv}]), the key wrapped for those who remain, and every older wrapped
-- key dropped. Refused, with nothing changed, if the version moved since the client read
-- it or if any live secret is missing from the batch.
create function private.vault_rotate(
  p_tenant_id uuid, p_from_version int, p_grants jsonb, p_secrets jsonb
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_current int;
  v_new int;
  v_missing uuid;
  v_result jsonb;
  v_ids uuid[];
  v_ciphertexts text[];
  v_ivs text[];
begin
  perform private.require_role(p_tenant_id, 'admin');
  if p_secrets is null or jsonb_typeof(p_secrets) <> 'array' then
    raise exception 'p_secrets must be a JSON array of {id, ciphertext, iv}' using errcode = '22023';
  end if;
  -- Unpacked once into arrays, so both checks and the update below are joins, not scans per row.
  select coalesce(array_agg((e ->> 'id')::uuid), '{}'), coalesce(array_agg(e ->> 'ciphertext'), '{}'),
         coalesce(array_agg(e ->> 'iv'), '{}')
    into v_ids, v_ciphertexts, v_ivs
  from jsonb_array_elements(p_secrets) e;
  if array_position(v_ids, null) is not null then
    raise exception 'Every re-encrypted secret needs an id: nothing was changed' using errcode = '22023';
  end if;
  select s.current_version into v_current from public.tenant_vault_state s
  where s.tenant_id = p_tenant_id for update;
  if v_current is distinct from p_from_version then
    raise exception 'The vault key moved to version % meanwhile (this rotation starts from %): nothing was changed',
      coalesce(v_current::text, 'none'), p_from_version
      using errcode = '40001', hint = 'Reload the vault and rotate again.';
  end if;
  v_new := v_current + 1;

  select s.id into v_missing from public.secrets s
  where s.tenant_id = p_tenant_id and not s._deleted
    and s.id not in (select unnest(v_ids))
  limit 1;
  if v_missing is not null then
    raise exception 'Secret % was not re-encrypted (added meanwhile?): nothing was changed', v_missing
      using errcode = '40001', hint = 'Reload the vault and rotate again.';
  end if;
  if not exists (
    select 1 from jsonb_array_elements(coalesce(p_grants, '[]'::jsonb)) g
    where (g ->> 'user_id')::uuid = v_user
  ) then
    raise exception 'A rotation must include the new key wrapped for yourself: nothing was changed'
      using errcode = '22023';
  end if;

  update public.tenant_vault_state
  set current_version = v_new, rotated_at = now(), rotated_by = v_user, rotation_needed_since = null
  where tenant_id = p_tenant_id;

  perform set_config('flowkeep.vault_rekey', 'on', true);
  update public.secrets s
  set ciphertext = u.ciphertext, iv = u.iv, key_version = v_new
  from unnest(v_ids, v_ciphertexts, v_ivs) as u(id, ciphertext, iv)
  where s.tenant_id = p_tenant_id and s.id = u.id and not s._deleted;
  perform set_config('flowkeep.vault_rekey', 'off', true);

  delete from public.tenant_vault_keys k where k.tenant_id = p_tenant_id and k.key_version < v_new;
  v_result := private.vault_grant_keys(p_tenant_id, v_new, p_grants);
  return v_result || jsonb_build_object('key_version', v_new);
end
$$;

-- For a tenant whose key nobody can open any more (its only holder forgot their
-- passphrase): a fresh key version, and every live secret, now unreadable, deleted.
-- Refused while any member still holds the current key: they can share it instead.
create function private.vault_abandon_key(p_tenant_id uuid, p_from_version int, p_wrapped_key text)
returns int
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_current int;
  v_public_key text;
begin
  perform private.require_role(p_tenant_id, 'admin');
  select s.current_version into v_current from public.tenant_vault_state s
  where s.tenant_id = p_tenant_id for update;
  if v_current is distinct from p_from_version then
    raise exception 'The vault key moved to version % meanwhile: nothing was changed',
      coalesce(v_current::text, 'none') using errcode = '40001';
  end if;
  if exists (
    select 1 from public.tenant_vault_keys k
    join public.vault_user_keys u on u.user_id = k.user_id and u.public_key = k.recipient_public_key
    join public.tenant_members m on m.tenant_id = k.tenant_id and m.user_id = k.user_id
    where k.tenant_id = p_tenant_id and k.key_version = v_current
      and private.role_rank(m.role) >= private.role_rank('member')
  ) then
    raise exception 'Someone in this organization still holds the vault key: ask them to open Flowkeep so it is shared with you. Nothing was changed'
      using errcode = '42501';
  end if;
  select k.public_key into v_public_key from public.vault_user_keys k where k.user_id = v_user;
  update public.tenant_vault_state
  set current_version = v_current + 1, rotated_at = now(), rotated_by = v_user,
      rotation_needed_since = null
  where tenant_id = p_tenant_id;
  update public.secrets set _deleted = true where tenant_id = p_tenant_id and not _deleted;
  delete from public.tenant_vault_keys k where k.tenant_id = p_tenant_id;
  insert into public.tenant_vault_keys (tenant_id, user_id, key_version, wrapped_key,
                                        recipient_public_key, wrapped_by)
  values (p_tenant_id, v_user, v_current + 1, p_wrapped_key, v_public_key, v_user);
  return v_current + 1;
end
$$;

-- Logs a use or a reveal (any member) or a value rotation (admins); a use also counts.
create function private.vault_record_secret_event(
  p_secret_id uuid, p_action text, p_workflow_id uuid
) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_secret public.secrets;
begin
  if p_action is null or p_action not in ('used', 'revealed', 'rotated') then
    raise exception 'Unknown secret event %: use used, revealed or rotated', coalesce(p_action, 'null')
      using errcode = '22023';
  end if;
  select * into v_secret from public.secrets s where s.id = p_secret_id;
  if not found or not private.has_tenant_role(v_secret.tenant_id, 'member') then
    raise exception 'Secret % not found, or you may not use it', p_secret_id using errcode = '42501';
  end if;
  if p_action = 'rotated' then
    perform private.require_role(v_secret.tenant_id, 'admin');
  end if;
  if p_action = 'used' then
    update public.secrets set usage_count = usage_count + 1, last_used_at = now()
    where id = p_secret_id;
  end if;
  insert into public.secret_audit_log (tenant_id, secret_id, secret_name, action, actor_id,
                                       workflow_id, key_version)
  values (v_secret.tenant_id, v_secret.id, v_secret.name, p_action, v_user, p_workflow_id,
          v_secret.key_version);
end
$$;

revoke all on function private.vault_get_my_key(),
  private.vault_save_my_key(text, text, text, jsonb), private.vault_open(uuid),
  private.vault_members(uuid), private.vault_initialize(uuid, text),
  private.vault_grant_keys(uuid, int, jsonb), private.vault_rotate(uuid, int, jsonb, jsonb),
  private.vault_abandon_key(uuid, int, text),
  private.vault_record_secret_event(uuid, text, uuid) from public;
grant execute on function private.vault_get_my_key(),
  private.vault_save_my_key(text, text, text, jsonb), private.vault_open(uuid),
  private.vault_members(uuid), private.vault_initialize(uuid, text),
  private.vault_grant_keys(uuid, int, jsonb), private.vault_rotate(uuid, int, jsonb, jsonb),
  private.vault_abandon_key(uuid, int, text),
  private.vault_record_secret_event(uuid, text, uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Exposed RPCs: thin invoker wrappers
-- ---------------------------------------------------------------------------------------

create function public.vault_get_my_key() returns jsonb
language sql stable security invoker set search_path = ''
as $$ select private.vault_get_my_key() $$;

create function public.vault_save_my_key(
  p_public_key text, p_wrapped_private_key text, p_wrapped_private_key_iv text, p_kdf jsonb
) returns jsonb
language sql volatile security invoker set search_path = ''
as $$ select private.vault_save_my_key(p_public_key, p_wrapped_private_key, p_wrapped_private_key_iv, p_kdf) $$;

create function public.vault_open(p_tenant_id uuid) returns jsonb
language sql stable security invoker set search_path = ''
as $$ select private.vault_open(p_tenant_id) $$;

create function public.vault_members(p_tenant_id uuid)
returns table (user_id uuid, role text, public_key text, has_current_key boolean)
language sql stable security invoker set search_path = ''
as $$ select * from private.vault_members(p_tenant_id) $$;

create function public.vault_pending_members(p_tenant_id uuid)
returns table (user_id uuid, role text, public_key text, has_current_key boolean)
language sql stable security invoker set search_path = ''
as $$
  select * from private.vault_members(p_tenant_id) m
  where m.public_key is not null and not m.has_current_key
    and private.has_tenant_role(p_tenant_id, 'admin')
$$;

create function public.vault_initialize(p_tenant_id uuid, p_wrapped_key text) returns int
language sql volatile security invoker set search_path = ''
as $$ select private.vault_initialize(p_tenant_id, p_wrapped_key) $$;

create function public.vault_grant_keys(p_tenant_id uuid, p_key_version int, p_grants jsonb)
returns jsonb
language sql volatile security invoker set search_path = ''
as $$ select private.vault_grant_keys(p_tenant_id, p_key_version, p_grants) $$;

create function public.vault_rotate(p_tenant_id uuid, p_from_version int, p_grants jsonb, p_secrets jsonb)
returns jsonb
language sql volatile security invoker set search_path = ''
as $$ select private.vault_rotate(p_tenant_id, p_from_version, p_grants, p_secrets) $$;

create function public.vault_abandon_key(p_tenant_id uuid, p_from_version int, p_wrapped_key text)
returns int
language sql volatile security invoker set search_path = ''
as $$ select private.vault_abandon_key(p_tenant_id, p_from_version, p_wrapped_key) $$;

create function public.vault_record_secret_event(p_secret_id uuid, p_action text, p_workflow_id uuid)
returns void
language sql volatile security invoker set search_path = ''
as $$ select private.vault_record_secret_event(p_secret_id, p_action, p_workflow_id) $$;

-- A secret's trail, newest first, with who acted (admins only: RLS on the log).
create function public.vault_secret_history(p_secret_id uuid, p_limit int)
returns table (at timestamptz, action text, actor_id uuid, actor_email text, workflow_id uuid, key_version int)
language sql stable security invoker set search_path = ''
as $$
  select l.at, l.action, l.actor_id, p.email, l.workflow_id, l.key_version
  from public.secret_audit_log l
  left join public.profiles p on p.id = l.actor_id
  where l.secret_id = p_secret_id
  order by l.id desc
  limit least(greatest(coalesce(p_limit, 50), 1), 500)
$$;

revoke all on function public.vault_get_my_key(),
  public.vault_save_my_key(text, text, text, jsonb), public.vault_open(uuid),
  public.vault_members(uuid), public.vault_pending_members(uuid),
  public.vault_initialize(uuid, text), public.vault_grant_keys(uuid, int, jsonb),
  public.vault_rotate(uuid, int, jsonb, jsonb), public.vault_abandon_key(uuid, int, text),
  public.vault_record_secret_event(uuid, text, uuid), public.vault_secret_history(uuid, int)
  from public, anon;
grant execute on function public.vault_get_my_key(),
  public.vault_save_my_key(text, text, text, jsonb), public.vault_open(uuid),
  public.vault_members(uuid), public.vault_pending_members(uuid),
  public.vault_initialize(uuid, text), public.vault_grant_keys(uuid, int, jsonb),
  public.vault_rotate(uuid, int, jsonb, jsonb), public.vault_abandon_key(uuid, int, text),
  public.vault_record_secret_event(uuid, text, uuid), public.vault_secret_history(uuid, int)
  to authenticated, service_role;
