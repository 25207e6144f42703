/** The workflows of the current organization: create, open, rename, delete. Works offline. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TenantMembership, WorkflowSummary } from '../data/app-data.ts';
import { useAppData, useWorkflows } from '../data/hooks.ts';
import { whyNot } from '../permissions.ts';
import { Link } from '../router.tsx';
import { registerUnsavedWork } from '../shell/unsaved-work.ts';
import { markFirstScreenShown } from '../first-screen.ts';
import { errorMessage } from '../../model/errors.ts';

const editedAt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function WorkflowListScreen(props: { tenant: TenantMembership }) {
  const { tenant } = props;
  const data = useAppData();
  const workflows = useWorkflows(tenant.id);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const refusal = whyNot(tenant.role, 'edit-workflows');
  const nameRef = useRef(name);
  nameRef.current = name;
  useEffect(() => {
    if (workflows !== undefined) markFirstScreenShown();
  }, [workflows]);
  useEffect(
    () => registerUnsavedWork('new-workflow-name', () => nameRef.current.trim() !== ''),
    [],
  );

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const requested = name.trim() || 'Untitled workflow';
    setName('');
    try {
      await data.createWorkflow(tenant.id, requested);
    } catch (failure) {
      setName(requested); // give the typed name back so nothing is lost
      setError(errorMessage(failure));
    }
  }

  return (
    <section className="screen" aria-labelledby="workflows-heading">
      <div className="screen-head">
        <h1 id="workflows-heading">Workflows</h1>
        <span className="muted">{tenant.name}</span>
      </div>
      <form className="inline-form" onSubmit={create} aria-label="New workflow">
        <label>
          <span className="visually-hidden">Workflow name</span>
          <input
            aria-label="Workflow name"
            placeholder="Name of a new workflow"
            value={name}
            maxLength={200}
            disabled={refusal !== null}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="primary"
          disabled={refusal !== null}
          aria-describedby={refusal ? 'create-refusal' : undefined}
        >
          Create workflow
        </button>
      </form>
      {refusal && (
        <p id="create-refusal" className="notice">
          {refusal}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {workflows === undefined ? (
        <p className="muted">Loading…</p>
      ) : workflows.length === 0 ? (
        <p className="empty">No workflows in {tenant.name} yet.</p>
      ) : (
        <ul className="workflow-list" aria-label="Workflows">
          {workflows.map((workflow) => (
            <WorkflowRow key={workflow.id} workflow={workflow} readOnly={refusal !== null} />
          ))}
        </ul>
      )}
    </section>
  );
}

function WorkflowRow(props: { workflow: WorkflowSummary; readOnly: boolean }) {
  const { workflow, readOnly } = props;
  const data = useAppData();
  const [renaming, setRenaming] = useState(false);
  const [draft, setDraft] = useState(workflow.name);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [rowError, setRowError] = useState<string | null>(null);

  async function rename(event: FormEvent) {
    event.preventDefault();
    const next = draft.trim();
    // Leave edit mode at once: the row shows the new name as soon as the local write lands.
    setRenaming(false);
    if (!next || next === workflow.name) return;
    try {
      await data.renameWorkflow(workflow.id, next);
    } catch (failure) {
      setRowError(errorMessage(failure));
    }
  }

  return (
    <li className="workflow-row" aria-label={workflow.name}>
      {renaming ? (
        <form className="inline-form grow" onSubmit={rename} aria-label={`Rename ${workflow.name}`}>
          <input
            aria-label={`New name for ${workflow.name}`}
            value={draft}
            autoFocus
            maxLength={200}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setRenaming(false);
            }}
          />
          <button type="submit" className="primary">
            Save name
          </button>
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <Link href={`/w/${workflow.id}`} className="workflow-name">
            {workflow.name}
          </Link>
          <span className="muted small">
            {workflow.nodeCount} node{workflow.nodeCount === 1 ? '' : 's'} · edited{' '}
            {editedAt.format(new Date(workflow.updatedAt))}
            {workflow.conflictCount > 0 && (
              <span className="conflict-note">
                {' · '}
                {workflow.conflictCount} conflicting edit{workflow.conflictCount === 1 ? '' : 's'}{' '}
                kept
              </span>
            )}
          </span>
          {!readOnly && (
            <span className="row-actions">
              <button
                type="button"
                aria-label={`Rename ${workflow.name}`}
                onClick={() => {
                  setDraft(workflow.name);
                  setRenaming(true);
                }}
              >
                Rename
              </button>
              {confirmingDelete ? (
                <>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Confirm delete ${workflow.name}`}
                    onClick={() =>
                      void data
                        .deleteWorkflow(workflow.id)
                        .catch((failure: unknown) => setRowError(errorMessage(failure)))
                    }
                  >
                    Delete for everyone
                  </button>
                  <button type="button" onClick={() => setConfirmingDelete(false)}>
                    Keep
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  aria-label={`Delete ${workflow.name}`}
                  onClick={() => setConfirmingDelete(true)}
                >
                  Delete
                </button>
              )}
            </span>
          )}
        </>
      )}
      {rowError && (
        <span role="alert" className="error small">
          {rowError}
        </span>
      )}
    </li>
  );
}
