-- The synced collections: one table per RxDB collection, same name.
--
-- Every synced table carries the same bookkeeping columns (DESIGN.md, "Data model"):
--   id          generated on the client, never changes
--   tenant_id   owning tenant, never changes
--   created_by, created_at   set by the server on insert
--   updated_at  set by the server on every write
--   _deleted    soft delete: a tombstone every device must learn about
--   _txid       pg_current_xact_id() of the writing transaction; sync_pull orders by it
-- There are no foreign keys between synced tables: collections replicate independently,
-- so a document may legitimately reach the server before the knowledge base it belongs to.

create table public.workflows (
  id uuid primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  name text not null default '' check (length(name) <= 200),
  description text not null default '',
  nodes jsonb not null default '[]'::jsonb check (jsonb_typeof(nodes) = 'array'),
  edges jsonb not null default '[]'::jsonb check (jsonb_typeof(edges) = 'array'),
  viewport jsonb,
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  versions jsonb not null default '[]'::jsonb check (jsonb_typeof(versions) = 'array'),
  conflicts jsonb not null default '[]'::jsonb check (jsonb_typeof(conflicts) = 'array'),
  tags text[] not null default '{}',
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  _deleted boolean not null default false,
  _txid xid8 not null default pg_current_xact_id()
);

create table public.knowledge_bases (
  id uuid primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  name text not null default '' check (length(name) <= 200),
  description text not null default '',
  embedding_model text,
  chunk_size int not null default 1000 check (chunk_size between 50 and 100000),
  chunk_overlap int not null default 200 check (chunk_overlap >= 0),
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  _deleted boolean not null default false,
  _txid xid8 not null default pg_current_xact_id(),
  check (chunk_overlap < chunk_size)
);

create table public.kb_documents (
  id uuid primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  knowledge_base_id uuid not null,
  name text not null default '' check (length(name) <= 500),
  mime_type text not null default 'text/plain',
  content text not null default '',
  size_bytes bigint not null default 0 check (size_bytes >= 0),
  status text not null default 'pending'
    check (status in ('pending', 'processing', 'ready', 'failed')),
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  _deleted boolean not null default false,
  _txid xid8 not null default pg_current_xact_id()
);

-- Fields of seed "connectors": single- or multi-step calls to an external API.
create table public.connectors (
  id uuid primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  name text not null default '' check (length(name) <= 200),
  description text not null default '',
  icon text,
  category text,
  type text not null default 'single-step' check (type in ('single-step', 'multi-step')),
  config jsonb not null default '{}'::jsonb check (jsonb_typeof(config) = 'object'),
  input_schema jsonb not null default '{}'::jsonb check (jsonb_typeof(input_schema) = 'object'),
  field_mappings jsonb not null default '{}'::jsonb
    check (jsonb_typeof(field_mappings) = 'object'),
  enabled boolean not null default true,
  timeout_ms int not null default 30000 check (timeout_ms between 100 and 600000),
  max_retries int not null default 3 check (max_retries between 0 and 10),
  continue_on_error boolean not null default false,
  total_executions int not null default 0 check (total_executions >= 0),
  successful_executions int not null default 0 check (successful_executions >= 0),
  failed_executions int not null default 0 check (failed_executions >= 0),
  last_executed_at timestamptz,
  created_from_template uuid,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  _deleted boolean not null default false,
  _txid xid8 not null default pg_current_xact_id()
);

-- Ciphertext only: secrets are encrypted in the browser (DESIGN.md, "Secrets").
create table public.secrets (
  id uuid primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  provider text,
  secret_type text not null default 'api_key',
  ciphertext text not null check (ciphertext ~ '^[A-Za-z0-9+/]+={0,2}$'),
  iv text not null check (iv ~ '^[A-Za-z0-9+/]{16}$'),
  key_version int not null check (key_version >= 1),
  description text not null default '',
  tags text[] not null default '{}',
  is_active boolean not null default true,
  expires_at timestamptz,
  last_used_at timestamptz,
  usage_count int not null default 0 check (usage_count >= 0),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  _deleted boolean not null default false,
  _txid xid8 not null default pg_current_xact_id()
);
-- A name is unique among a tenant's live secrets; a deleted one frees its name.
create unique index secrets_tenant_name_key on public.secrets (tenant_id, name)
  where not _deleted;

create table public.executions (
  id uuid primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  workflow_id uuid not null,
  status text not null default 'pending'
    check (status in ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms int check (duration_ms is null or duration_ms >= 0),
  input jsonb,
  output jsonb,
  node_results jsonb not null default '[]'::jsonb,
  error text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  _deleted boolean not null default false,
  _txid xid8 not null default pg_current_xact_id()
);

create index kb_documents_knowledge_base_idx on public.kb_documents (tenant_id, knowledge_base_id);
create index executions_workflow_idx on public.executions (tenant_id, workflow_id, created_at desc);

-- ---------------------------------------------------------------------------------------
-- Server-managed columns
-- ---------------------------------------------------------------------------------------

create function private.stamp_synced_row() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.id <> old.id or new.tenant_id <> old.tenant_id then
      raise exception 'A row''s id and tenant cannot change (% %)', tg_table_name, old.id
        using errcode = '42501',
              hint = 'Create a copy in the other organization instead of moving the row.';
    end if;
    new.created_by := old.created_by;
    new.created_at := old.created_at;
  else
    new.created_by := coalesce((select auth.uid()), new.created_by);
    new.created_at := now();
  end if;
  new.updated_at := now();
  new._deleted := coalesce(new._deleted, false);
  new._txid := pg_current_xact_id();
  return new;
end
$$;

-- ---------------------------------------------------------------------------------------
-- Indexes, triggers, grants and policies, identical for every synced table
-- ---------------------------------------------------------------------------------------

do $synced$
declare
  v_table text;
  -- The least role that may read, and that may write, each table (DESIGN.md, "Roles").
  v_read_role text;
  v_write_role text;
begin
  foreach v_table in array array[
    'workflows', 'knowledge_bases', 'kb_documents', 'connectors', 'secrets', 'executions'
  ] loop
    v_read_role := case v_table when 'secrets' then 'member' else 'viewer' end;
    v_write_role := case v_table when 'secrets' then 'admin' else 'member' end;

    execute format('create index %I on public.%I (tenant_id, created_at desc)',
      v_table || '_tenant_created_idx', v_table);
    execute format('create index %I on public.%I (tenant_id, _txid, id)',
      v_table || '_tenant_txid_idx', v_table);
    execute format(
      'create trigger stamp_synced_row before insert or update on public.%I
         for each row execute function private.stamp_synced_row()', v_table);

    execute format('alter table public.%I enable row level security', v_table);
    execute format('revoke all on public.%I from anon, authenticated', v_table);
    execute format('grant select, insert, update, delete on public.%I to authenticated', v_table);
    execute format('grant all on public.%I to service_role', v_table);

    execute format(
      'create policy %I on public.%I for select to authenticated
         using (tenant_id in (select private.tenant_ids_for_current_user(%L)))',
      v_table || '_select', v_table, v_read_role);
    execute format(
      'create policy %I on public.%I for insert to authenticated
         with check (tenant_id in (select private.tenant_ids_for_current_user(%L)))',
      v_table || '_insert', v_table, v_write_role);
    execute format(
      'create policy %I on public.%I for update to authenticated
         using (tenant_id in (select private.tenant_ids_for_current_user(%L)))
         with check (tenant_id in (select private.tenant_ids_for_current_user(%L)))',
      v_table || '_update', v_table, v_write_role, v_write_role);
    -- Sync deletes with tombstones (`_deleted`); a hard delete is a purge that other
    -- devices never hear about, so it is kept for admins.
    execute format(
      'create policy %I on public.%I for delete to authenticated
         using (tenant_id in (select private.tenant_ids_for_current_user(%L)))',
      v_table || '_delete', v_table, 'admin');

    -- On a real Supabase project, Realtime streams changes of tables in this publication.
    if exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
      execute format('alter publication supabase_realtime add table public.%I', v_table);
    end if;
  end loop;
end
$synced$;
