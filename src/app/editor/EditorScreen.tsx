/**
 * /w/:id — the workflow editor, loaded on demand: neither it nor @xyflow/react is part of the
 * first screen's JavaScript. Read-only for viewers.
 */
import { Suspense, lazy, useEffect, useMemo, type ComponentType } from 'react';
import type { TenantMembership } from '../data/app-data.ts';
import { useAppData, useWorkflow } from '../data/hooks.ts';
import { switchTenant } from '../data/current-tenant.ts';
import { whyNot } from '../permissions.ts';
import { Link } from '../router.tsx';
import { createAppWorkflowSource } from './app-workflow-source.ts';
import type { SecretOption, WorkflowSource } from '../../editor/workflow-source.ts';

interface EditorProps {
  source: WorkflowSource;
  readOnly: boolean;
  secrets?: SecretOption[];
  userId?: string | null;
}

// A glob rather than a plain import() keeps the app building while the editor is being written.
const editorModules = import.meta.glob<{ default: ComponentType<EditorProps> }>(
  '../../editor/WorkflowEditor.tsx',
);
const loadEditor = Object.values(editorModules)[0];
const WorkflowEditor = loadEditor ? lazy(loadEditor) : null;

export function EditorScreen(props: { workflowId: string; tenants: TenantMembership[] }) {
  const data = useAppData();
  const doc = useWorkflow(props.workflowId);
  const source = useMemo(
    () => createAppWorkflowSource(data, props.workflowId),
    [data, props.workflowId],
  );
  const tenant = doc ? props.tenants.find((t) => t.id === doc.tenant_id) : undefined;

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
        {WorkflowEditor ? (
          <Suspense fallback={<p className="muted">Loading the editor…</p>}>
            <WorkflowEditor
              source={source}
              readOnly={readOnlyReason !== null}
              userId={data.userId}
            />
          </Suspense>
        ) : (
          <p className="muted">
            {doc.nodes.length} nodes, {doc.edges.length} edges. The editor is not part of this
            build.
          </p>
        )}
      </div>
    </section>
  );
}
