/** Edits that lost a same-field sync conflict, with a button to put each one back (undoable). */
import { useId } from 'react';
import type { LostValue } from './sync-conflicts.ts';

export function LostEditsPanel(props: {
  lost: readonly LostValue[];
  readOnly: boolean;
  onRestore: (lost: LostValue) => void;
}) {
  const headingId = useId();
  return (
    <section className="fk-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Lost edits</h2>
      <p className="fk-muted">
        When two devices changed the same field while apart, the other device&apos;s value was kept.
        Your values are listed here; restore any of them.
      </p>
      <ul className="fk-lost" aria-label="Lost edits">
        {props.lost.map((lost) => (
          <li key={lost.key}>
            <span>{lost.description}</span>
            {lost.at ? (
              <span className="fk-muted"> · {new Date(lost.at).toLocaleString()}</span>
            ) : null}
            {lost.inUse ? (
              <span className="fk-muted"> · in use</span>
            ) : lost.restore && !props.readOnly ? (
              <button
                type="button"
                aria-label={`Restore: ${lost.description}`}
                onClick={() => props.onRestore(lost)}
              >
                Restore
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
