-- sync_pull builds its page as json instead of jsonb.
--
-- The body on the wire is unchanged ({"documents": [...], "checkpoint": ...}), but building
-- a jsonb value of a full page and printing it back to text was most of the function's
-- cost: on PostgreSQL 15, a page of 1,000 workflows took about 85 ms through jsonb_agg and
-- 13 ms through json_agg, which only concatenates each row's text. Rows, order, horizon and
-- checkpoint are exactly as in 20261123000003_sync_rpcs.sql. A return type cannot be changed
-- in place, so the function is dropped and created again with the same grants.

drop function public.sync_pull(text, jsonb, int);

create function public.sync_pull(p_collection text, p_checkpoint jsonb, p_limit int)
returns json
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_collection text := private.synced_collection(p_collection);
  v_after record := private.parse_checkpoint(p_checkpoint);
  v_limit int := coalesce(p_limit, 100);
  v_horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
  v_tenants uuid[];
  v_documents json;
  v_last_txid text;
  v_last_id uuid;
begin
  if v_limit < 1 or v_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000, got %', v_limit using errcode = '22023';
  end if;
  select coalesce(array_agg(t), '{}') into v_tenants
  from private.tenant_ids_for_current_user(private.read_role_for(v_collection)) as t;

  -- Only rows below the snapshot's xmin: see 20261123000003_sync_rpcs.sql for why.
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
    select coalesce(json_agg(page order by page._txid, page.id), '[]'::json),
           (array_agg(page._txid::text order by page._txid desc, page.id desc))[1],
           (array_agg(page.id order by page._txid desc, page.id desc))[1]
    from page
  $query$, v_collection)
  into v_documents, v_last_txid, v_last_id
  using v_tenants, v_after.txid, v_after.id, v_horizon, v_limit;

  return json_build_object(
    'documents', v_documents,
    'checkpoint', case
      when v_last_id is null then nullif(p_checkpoint, 'null'::jsonb)
      else jsonb_build_object('txid', v_last_txid, 'id', v_last_id)
    end
  );
end
$$;

revoke all on function public.sync_pull(text, jsonb, int) from public, anon;
grant execute on function public.sync_pull(text, jsonb, int) to authenticated, service_role;
