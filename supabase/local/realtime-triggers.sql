-- The local server's change feed for Realtime: an AFTER trigger on every table of schema
-- public that has a primary key NOTIFYs `flowkeep_realtime` with the table, the kind of change,
-- the key columns and, when the table has them, tenant_id and user_id. Only keys travel
-- (NOTIFY payloads are limited to 8000 bytes); the server reads each row back as each
-- subscriber, so RLS decides who hears of it. A deleted row cannot be read back, so a DELETE
-- also carries `old`: the columns the table's read policies refer to (pg_depend), on which the
-- server evaluates those policies as each subscriber (realtime-visibility.ts); if that would
-- not fit in a payload, `old` is left out and nobody but the row's own user hears of it.
-- Reinstalled at every start, so tables added by later migrations are covered; nothing here
-- belongs in supabase/migrations.

create schema if not exists flowkeep_realtime;
revoke all on schema flowkeep_realtime from public;

do $install$
declare
  target record;
  key_expression text;
  tenant_expression text;
  user_expression text;
  old_expression text;
  function_name text;
begin
  for target in
    select c.oid, c.relname, i.indkey
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      join pg_catalog.pg_index i on i.indrelid = c.oid and i.indisprimary
     where n.nspname = 'public' and c.relkind in ('r', 'p')
  loop
    select 'json_build_object(' ||
           string_agg(format('%L, changed.%I', a.attname, a.attname), ', ' order by k.ord) || ')'
      into key_expression
      from unnest(target.indkey::int2[]) with ordinality as k(attnum, ord)
      join pg_catalog.pg_attribute a on a.attrelid = target.oid and a.attnum = k.attnum;
    tenant_expression := case
      when exists (select 1 from pg_catalog.pg_attribute
                    where attrelid = target.oid and attname = 'tenant_id' and not attisdropped)
      then 'changed.tenant_id' else 'null' end;
    user_expression := case
      when exists (select 1 from pg_catalog.pg_attribute
                    where attrelid = target.oid and attname = 'user_id' and not attisdropped)
      then 'changed.user_id' else 'null' end;
    select 'json_build_object(' ||
           coalesce(string_agg(format('%L, changed.%I', a.attname, a.attname), ', '), '') || ')'
      into old_expression
      from pg_catalog.pg_attribute a
     where a.attrelid = target.oid and a.attnum > 0 and not a.attisdropped
       and (a.attnum = any (target.indkey::int2[])
            or a.attname in ('tenant_id', 'user_id')
            or exists (
              select 1 from pg_catalog.pg_policy p
              join pg_catalog.pg_depend d
                on d.classid = 'pg_catalog.pg_policy'::regclass and d.objid = p.oid
               and d.refclassid = 'pg_catalog.pg_class'::regclass
               and d.refobjid = target.oid and d.refobjsubid = a.attnum
             where p.polrelid = target.oid and p.polcmd in ('r', '*')));
    function_name := left('notify_' || target.relname, 63);
    execute format(
      $function$
      create or replace function flowkeep_realtime.%1$I() returns trigger
      language plpgsql set search_path = '' as $body$
      declare
        changed record;
        payload jsonb;
      begin
        if tg_op = 'DELETE' then changed := old; else changed := new; end if;
        payload := jsonb_build_object(
          'table', %2$L, 'type', tg_op, 'key', %3$s,
          'tenant_id', %4$s, 'user_id', %5$s);
        if tg_op = 'DELETE' and octet_length((%6$s)::text) < 6000 then
          payload := payload || jsonb_build_object('old', %6$s);
        end if;
        perform pg_notify('flowkeep_realtime', payload::text);
        return null;
      end
      $body$
      $function$,
      function_name, target.relname, key_expression, tenant_expression, user_expression,
      old_expression);
    execute format(
      'create or replace trigger zz_flowkeep_realtime after insert or update or delete on public.%I
         for each row execute function flowkeep_realtime.%I()',
      target.relname, function_name);
  end loop;
end
$install$;
