/** Named versions: save the current graph under a name, browse them, restore or delete one. */
import { useId, useState } from 'react';
import type { WorkflowVersion } from '../model/workflow.ts';
import { versionsNewestFirst, type VersionNameCheck } from './versions.ts';

export interface VersionsPanelProps {
  versions: readonly WorkflowVersion[];
  readOnly: boolean;
  onSave: (name: string) => VersionNameCheck;
  onRestore: (id: string) => void;
  onDelete: (id: string) => void;
}

export function VersionsPanel(props: VersionsPanelProps) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const headingId = useId();
  const versions = versionsNewestFirst(props.versions);
  return (
    <section className="fk-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Versions</h2>
      {!props.readOnly && (
        <form
          className="fk-versions__form"
          onSubmit={(e) => {
            e.preventDefault();
            const check = props.onSave(name);
            if (check.ok) {
              setName('');
              setError(null);
            } else setError(check.error);
          }}
        >
          <label htmlFor={inputId}>Version name</label>
          <input
            id={inputId}
            type="text"
            value={name}
            aria-invalid={error !== null}
            aria-describedby={error ? `${inputId}-error` : undefined}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit">Save version</button>
          {error ? (
            <p id={`${inputId}-error`} className="fk-field__error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      )}
      {versions.length === 0 ? (
        <p className="fk-muted">No saved versions yet.</p>
      ) : (
        <ul className="fk-versions" aria-label="Saved versions">
          {versions.map((version) => (
            <li key={version.id}>
              <span className="fk-versions__name">{version.name}</span>
              <span className="fk-muted">
                {' '}
                {new Date(version.created_at).toLocaleString()} · {version.nodes.length} nodes
              </span>
              {!props.readOnly && (
                <span className="fk-versions__actions">
                  <button
                    type="button"
                    aria-label={`Restore version ${version.name}`}
                    onClick={() => props.onRestore(version.id)}
                  >
                    Restore
                  </button>
                  <button
                    type="button"
                    aria-label={`Delete version ${version.name}`}
                    onClick={() => props.onDelete(version.id)}
                  >
                    Delete
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
