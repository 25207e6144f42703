/**
 * /w/:id — the workflow editor, loaded on demand: neither it nor @xyflow/react is part of the
 * first screen's JavaScript. Read-only for viewers.
 */
import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import type { TenantMembership } from '../data/app-data.ts';
import { useAppData, useWorkflow } from '../data/hooks.ts';
import { switchTenant } from '../data/current-tenant.ts';
import { whyNot } from '../permissions.ts';
import { Link } from '../router.tsx';
import { createAppWorkflowSource } from './app-workflow-source.ts';
import type { SecretOption } from '../../editor/workflow-source.ts';

const WorkflowEditor = lazy(() => import('../../editor/WorkflowEditor.tsx'));

/** The tenant's secrets as the editor's LLM and HTTP nodes pick them: by reference only. */
function useSecretOptions(tenantId: string | null): SecretOption[] {
  const data = useAppData();
  const [options, setOptions] = useState<SecretOption[]>([]);
  useEffect(() => {
    if (!tenantId) return;
    let unsubscribe: (() => void) | null = null;
    let current = true;
    data.vault().then(
      (bindings) => {
        if (!current) return;
        unsubscribe = bindings.secrets.watch(tenantId, (secrets) =>
          setOptions(secrets.map((s) => ({ id: s.id, name: s.name, provider: s.provider }))),
        );
      },
      () => setOptions([]), // offline before supabase-js ever loaded: no picker entries
    );
    return () => {
      current = false;
      unsubscribe?.();
    };
  }, [data, tenantId]);
  return options;
}

export function EditorScreen(props: { workflowId: string; tenants: TenantMembership[] }) {
  const data = useAppData();
  const doc = useWorkflow(props.workflowId);
  const source = useMemo(
    () => createAppWorkflowSource(data, props.workflowId),
    [data, props.workflowId],
  );
  const tenant = doc ? props.tenants.find((t) => t.id === doc.tenant_id) : undefined;
  const secrets = useSecretOptions(
    tenant && whyNot(tenant.role, 'use-secrets') === null ? tenant.id : null,
  );

  // Opening a link to another organization's workflow switches the switcher to it.
  useEffect(() => {
    if (tenant) switchTenant(data.userId, tenant.id);
  }, [data.userId, tenant]);

  if (doc === undefined) return <p className="screen muted">Opening workflow…</p>;
  if (doc === null || doc._deleted || !tenant) {
    return (
      <section className="screen">
        <h1>Workflow not found</h1>
        <p>It was deleted, or it belongs to an organization you are not a member of.</p>
        <Link href="/">Back to workflows</Link>
      </section>
    );
  }
  const readOnlyReason = whyNot(tenant.role, 'edit-workflows');
  return (
    <section className="editor-screen" aria-label={`Workflow ${doc.name}`}>
      <div className="editor-bar">
        <Link href="/">← Workflows</Link>
        <h1>{doc.name}</h1>
        {readOnlyReason && <span className="notice small">Read only. {readOnlyReason}</span>}
      </div>
      <div className="editor-host">
        <Suspense fallback={<p className="muted">Loading the editor…</p>}>
          <WorkflowEditor
            source={source}
            readOnly={readOnlyReason !== null}
            secrets={secrets}
            userId={data.userId}
          />
        </Suspense>
      </div>
    </section>
  );
}
