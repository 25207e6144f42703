-- The sync protocol (DESIGN.md, "Sync protocol"): sync_pull and sync_push.
--
-- Both run with the caller's rights (SECURITY INVOKER), so RLS applies to every row they
-- read or write: they are a batching and ordering convenience, never a way around policy.

create function private.synced_collection(p_collection text) returns text
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_collection is null or p_collection not in (
    'workflows', 'knowledge_bases', 'kb_documents', 'connectors', 'secrets', 'executions'
  ) then
    raise exception 'Unknown collection "%"', coalesce(p_collection, 'null')
      using errcode = '22023',
            hint = 'Use one of workflows, knowledge_bases, kb_documents, connectors, secrets, executions.';
  end if;
  return p_collection;
end
$$;

-- A checkpoint is {"txid": "<xid8 as text>", "id": "<uuid>"}; null means "from the start".
create function private.parse_checkpoint(p_checkpoint jsonb, out txid xid8, out id uuid)
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_checkpoint is null or p_checkpoint = 'null'::jsonb then
    txid := '0'::xid8;
    id := '00000000-0000-0000-0000-000000000000'::uuid;
    return;
  end if;
  if jsonb_typeof(p_checkpoint) <> 'object'
     or jsonb_typeof(p_checkpoint -> 'txid') is distinct from 'string'
     or jsonb_typeof(p_checkpoint -> 'id') is distinct from 'string'
     or (p_checkpoint ->> 'txid') !~ '^[0-9]{1,20}$'
     or (p_checkpoint ->> 'id') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'Malformed checkpoint: %', left(p_checkpoint::text, 200)
      using errcode = '22023',
            hint = 'Pass null, or the checkpoint object the previous sync_pull returned.';
  end if;
  txid := (p_checkpoint ->> 'txid')::xid8;
  id := (p_checkpoint ->> 'id')::uuid;
end
$$;

create function private.read_role_for(p_collection text) returns text
language sql immutable
set search_path = ''
as $$ select case p_collection when 'secrets' then 'member' else 'viewer' end $$;

-- sync_pull: the next page of rows after the checkpoint, in (_txid, id) order.
--
-- Only rows whose _txid is below the xmin of the current snapshot are returned: every
-- transaction below it has finished, so no row can later appear behind the checkpoint.
-- (A checkpoint on updated_at loses rows: now() is a transaction's start time and
-- transactions commit out of order.) The page is gathered per tenant through the
-- (tenant_id, _txid, id) index and merged, so its cost follows the page size, not the
-- table size.
create function public.sync_pull(p_collection text, p_checkpoint jsonb, p_limit int)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_collection text := private.synced_collection(p_collection);
  v_after record := private.parse_checkpoint(p_checkpoint);
  v_limit int := coalesce(p_limit, 100);
  v_horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
  v_tenants uuid[];
  v_documents jsonb;
  v_last_txid text;
  v_last_id uuid;
begin
  if v_limit < 1 or v_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000, got %', v_limit using errcode = '22023';
  end if;
  select coalesce(array_agg(t), '{}') into v_tenants
  from private.tenant_ids_for_current_user(private.read_role_for(v_collection)) as t;

  execute format($query$
    with page as (
      select r.*
      from unnest($1::uuid[]) as member_of(tenant_id)
      cross join lateral (
        select x.* from public.%1$I x
        where x.tenant_id = member_of.tenant_id
          and (x._txid, x.id) > ($2, $3)
          and x._txid < $4
        order by x._txid, x.id
        limit $5
      ) r
      order by r._txid, r.id
      limit $5
    )
    select coalesce(jsonb_agg(to_jsonb(page) order by page._txid, page.id), '[]'::jsonb),
           (array_agg(page._txid::text order by page._txid desc, page.id desc))[1],
           (array_agg(page.id order by page._txid desc, page.id desc))[1]
    from page
  $query$, v_collection)
  into v_documents, v_last_txid, v_last_id
  using v_tenants, v_after.txid, v_after.id, v_horizon, v_limit;

  return jsonb_build_object(
    'documents', v_documents,
    'checkpoint', case
      when v_last_id is null then nullif(p_checkpoint, 'null'::jsonb)
      else jsonb_build_object('txid', v_last_txid, 'id', v_last_id)
    end
  );
end
$$;

-- How many rows a pull from this checkpoint would still deliver now: lets a client show
-- "rows done of rows known" during an initial sync without counting on every page.
create function public.sync_pending_count(p_collection text, p_checkpoint jsonb)
returns bigint
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_collection text := private.synced_collection(p_collection);
  v_after record := private.parse_checkpoint(p_checkpoint);
  v_count bigint;
begin
  execute format($query$
    select count(*) from public.%1$I x
    where x.tenant_id in (select private.tenant_ids_for_current_user(%2$L))
      and (x._txid, x.id) > ($1, $2)
      and x._txid < pg_snapshot_xmin(pg_current_snapshot())
  $query$, v_collection, private.read_role_for(v_collection))
  into v_count
  using v_after.txid, v_after.id;
  return v_count;
end
$$;

-- sync_push: writes a batch of documents in one transaction.
--
-- Each row is {"newDocumentState": {...}, "assumedMasterState": {...} | null}. A row is
-- written only if the server's version still is the one the client based its change on
-- (assumedMasterState._txid); otherwise the current server row comes back in `conflicts`
-- for the client to merge and push again. A row that RLS, a constraint or a trigger
-- refuses is reported in `rejected` with its SQLSTATE and message, inside its own
-- subtransaction, so it never aborts the rest of the batch.
create function public.sync_push(p_collection text, p_rows jsonb)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_collection text := private.synced_collection(p_collection);
  v_columns text[];
  v_insert_columns text[];
  v_update_columns text[];
  v_row jsonb;
  v_index int := 0;
  v_new jsonb;
  v_assumed jsonb;
  v_id uuid;
  v_current jsonb;
  v_count int;
  v_conflicts jsonb := '[]'::jsonb;
  v_rejected jsonb := '[]'::jsonb;
begin
  if p_rows is null or jsonb_typeof(p_rows) <> 'array' then
    raise exception 'p_rows must be a JSON array of {newDocumentState, assumedMasterState}'
      using errcode = '22023';
  end if;
  if jsonb_array_length(p_rows) > 1000 then
    raise exception 'A push holds at most 1000 rows, this one has %: split it into batches',
      jsonb_array_length(p_rows) using errcode = '54000';
  end if;

  -- Validate the whole envelope first: a malformed batch writes nothing at all.
  for v_row in select value from jsonb_array_elements(p_rows) loop
    if jsonb_typeof(v_row) <> 'object'
       or jsonb_typeof(v_row -> 'newDocumentState') is distinct from 'object'
       or jsonb_typeof(coalesce(v_row -> 'assumedMasterState', 'null'::jsonb)) not in ('object', 'null')
       or jsonb_typeof(v_row -> 'newDocumentState' -> 'id') is distinct from 'string'
       or (v_row -> 'newDocumentState' ->> 'id')
          !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception 'Row % of the push is malformed: expected {"newDocumentState": {"id": "<uuid>", ...}, "assumedMasterState": {...} | null}', v_index
        using errcode = '22023';
    end if;
    v_index := v_index + 1;
  end loop;

  -- Columns a client may set; the server owns the rest (see private.stamp_synced_row).
  select array_agg(a.attname::text order by a.attnum) into v_columns
  from pg_catalog.pg_attribute a
  where a.attrelid = ('public.' || v_collection)::regclass
    and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('_txid', 'created_at', 'created_by', 'updated_at');

  for v_row in select value from jsonb_array_elements(p_rows) loop
    v_new := v_row -> 'newDocumentState';
    v_assumed := nullif(v_row -> 'assumedMasterState', 'null'::jsonb);
    v_id := (v_new ->> 'id')::uuid;
    begin
      select array_agg(c) into v_insert_columns
      from unnest(v_columns) as c where v_new ? c;
      v_update_columns := array_remove(v_insert_columns, 'id');

      if v_assumed is null then
        execute format(
          'insert into public.%I (%s) select %s from jsonb_populate_record(null::public.%I, $1)',
          v_collection,
          (select string_agg(format('%I', c), ', ') from unnest(v_insert_columns) c),
          (select string_agg(format('%I', c), ', ') from unnest(v_insert_columns) c),
          v_collection)
        using v_new;
      else
        if jsonb_typeof(v_assumed -> '_txid') is distinct from 'string'
           or (v_assumed ->> '_txid') !~ '^[0-9]{1,20}$' then
          raise exception 'assumedMasterState of % has no _txid: send the version as pulled', v_id
            using errcode = '22023';
        end if;
        execute format(
          'update public.%I t set (%s) = (select %s from jsonb_populate_record(null::public.%I, $1))
           where t.id = $2 and t._txid = $3',
          v_collection,
          (select string_agg(format('%I', c), ', ') from unnest(v_update_columns) c),
          (select string_agg(format('%I', c), ', ') from unnest(v_update_columns) c),
          v_collection)
        using v_new, v_id, (v_assumed ->> '_txid')::xid8;
        get diagnostics v_count = row_count;
        if v_count = 0 then
          execute format('select to_jsonb(t) from public.%I t where t.id = $1', v_collection)
            into v_current using v_id;
          if v_current is null then
            raise exception 'Row % is not on the server, or you can no longer see it', v_id
              using errcode = 'P0002';
          elsif v_current ->> '_txid' <> v_assumed ->> '_txid' then
            v_conflicts := v_conflicts || jsonb_build_array(v_current);
          else
            raise exception 'Your role in this organization cannot change % %', v_collection, v_id
              using errcode = '42501';
          end if;
        end if;
      end if;
    exception
      when unique_violation then
        -- The id exists but is not the row the client believed it was creating: hand back
        -- the server row when the caller may see it, so RxDB resolves it as a conflict.
        execute format('select to_jsonb(t) from public.%I t where t.id = $1', v_collection)
          into v_current using v_id;
        if v_current is not null and v_assumed is null then
          v_conflicts := v_conflicts || jsonb_build_array(v_current);
        else
          v_rejected := v_rejected || jsonb_build_array(jsonb_build_object(
            'id', v_id, 'code', sqlstate, 'message', sqlerrm));
        end if;
      when others then
        v_rejected := v_rejected || jsonb_build_array(jsonb_build_object(
          'id', v_id, 'code', sqlstate, 'message', sqlerrm));
    end;
  end loop;

  return jsonb_build_object('conflicts', v_conflicts, 'rejected', v_rejected);
end
$$;

revoke all on function private.synced_collection(text), private.parse_checkpoint(jsonb),
  private.read_role_for(text) from public;
grant execute on function private.synced_collection(text), private.parse_checkpoint(jsonb),
  private.read_role_for(text) to authenticated, service_role;

revoke all on function public.sync_pull(text, jsonb, int), public.sync_push(text, jsonb),
  public.sync_pending_count(text, jsonb) from public, anon;
grant execute on function public.sync_pull(text, jsonb, int), public.sync_push(text, jsonb),
  public.sync_pending_count(text, jsonb) to authenticated, service_role;
