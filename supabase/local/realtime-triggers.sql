-- The local server's change feed for Realtime: an AFTER trigger on every table of schema
-- public that has a one-column primary key NOTIFYs `flowkeep_realtime` with the table, the
-- kind of change, the key and (when the table has one) the tenant_id. Only keys travel
-- (NOTIFY payloads are limited to 8000 bytes); the server reads each row back as each
-- subscriber, so RLS decides who hears of it. Reinstalled at every start, so tables added by
-- later migrations are covered; nothing here belongs in supabase/migrations.

create schema if not exists flowkeep_realtime;
revoke all on schema flowkeep_realtime from public;

do $install$
declare
  target record;
  tenant_expression text;
  function_name text;
begin
  for target in
    select c.oid, c.relname, a.attname as key_column
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      join pg_catalog.pg_index i on i.indrelid = c.oid and i.indisprimary and i.indnatts = 1
      join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
     where n.nspname = 'public' and c.relkind in ('r', 'p')
  loop
    tenant_expression := case
      when exists (select 1 from pg_catalog.pg_attribute
                    where attrelid = target.oid and attname = 'tenant_id' and not attisdropped)
      then 'changed.tenant_id' else 'null' end;
    function_name := left('notify_' || target.relname, 63);
    execute format(
      $function$
      create or replace function flowkeep_realtime.%1$I() returns trigger
      language plpgsql set search_path = '' as $body$
      declare
        changed record;
      begin
        if tg_op = 'DELETE' then changed := old; else changed := new; end if;
        perform pg_notify('flowkeep_realtime', json_build_object(
          'table', %2$L, 'type', tg_op, 'id', changed.%3$I, 'tenant_id', %4$s)::text);
        return null;
      end
      $body$
      $function$,
      function_name, target.relname, target.key_column, tenant_expression);
    execute format(
      'create or replace trigger zz_flowkeep_realtime after insert or update or delete on public.%I
         for each row execute function flowkeep_realtime.%I()',
      target.relname, function_name);
  end loop;
end
$install$;
