/**
 * Changes the server refused (role, policy, constraint, lost membership). The local document
 * went back to the server's version; the refused version is kept here so nothing vanishes
 * without the user seeing it.
 */
import { useState } from 'react';
import { useAppData, useRejectedChanges } from '../data/hooks.ts';

export function RejectedChangesScreen() {
  const data = useAppData();
  const rejected = useRejectedChanges();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="screen" aria-labelledby="changes-heading">
      <div className="screen-head">
        <h1 id="changes-heading">Rejected changes</h1>
      </div>
      <p className="muted">
        The server refused these changes. Your data went back to the server&apos;s version; the
        refused version is shown here so you can copy what you need.
      </p>
      {rejected.length === 0 ? (
        <p className="empty">No rejected changes.</p>
      ) : (
        <ul className="rejected-list" aria-label="Rejected changes">
          {rejected.map((change) => (
            <li key={change.key} className="card" aria-label={`${change.label}: ${change.message}`}>
              <div className="rejected-head">
                <strong>{change.label}</strong>
                <span className="muted small">
                  {change.collection} · {new Date(change.at).toLocaleString()} · {change.code}
                </span>
              </div>
              <p className="error">{change.message}</p>
              <div className="actions">
                <button
                  type="button"
                  aria-expanded={open === change.key}
                  onClick={() => setOpen(open === change.key ? null : change.key)}
                >
                  {open === change.key ? 'Hide refused version' : 'Show refused version'}
                </button>
                <button type="button" onClick={() => data.dismissRejectedChange(change.key)}>
                  Dismiss
                </button>
              </div>
              {open === change.key && (
                <pre className="json" aria-label="Refused version">
                  {JSON.stringify(change.rejectedDocument, null, 2)}
                </pre>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
