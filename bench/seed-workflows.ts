/** Workflows inserted straight into a tenant, as superuser, for the sync benchmarks. */
import type { LocalServer } from '../supabase/local/server.ts';

/** Inserts `count` workflows (3 nodes, 2 edges each) into a tenant, as superuser, in one statement. */
export async function seedWorkflows(
  server: LocalServer,
  tenantId: string,
  count: number,
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/.test(tenantId)) throw new Error(`not a tenant id: ${tenantId}`);
  // One session for the claims and the insert: the stamping trigger reads auth.uid().
  await server.sql.exec(`
    begin;
    select set_config('request.jwt.claims', '{}', true);
    insert into public.workflows (id, tenant_id, name, description, nodes, edges, settings)
    select gen_random_uuid(), '${tenantId}', 'Workflow ' || i, 'Seeded for the sync benchmark',
           jsonb_build_array(
             jsonb_build_object('id', 'n1', 'type', 'trigger', 'position', jsonb_build_object('x', 0, 'y', 0), 'data', jsonb_build_object('label', 'Start')),
             jsonb_build_object('id', 'n2', 'type', 'llm', 'position', jsonb_build_object('x', 200, 'y', 0), 'data', jsonb_build_object('prompt', 'Summarise ' || i, 'model', 'gpt-4o-mini')),
             jsonb_build_object('id', 'n3', 'type', 'output', 'position', jsonb_build_object('x', 400, 'y', 0), 'data', jsonb_build_object()))
           , '[{"id":"e1","source":"n1","target":"n2"},{"id":"e2","source":"n2","target":"n3"}]'::jsonb,
           '{}'::jsonb
    from generate_series(1, ${count}) as i;
    commit;`);
}
