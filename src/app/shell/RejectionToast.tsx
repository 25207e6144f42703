/** Says so at once when the server refuses a change, and points to the list with the details. */
import { useEffect, useRef, useState } from 'react';
import type { RejectedChange } from '../data/app-data.ts';
import { useRejectedChanges } from '../data/hooks.ts';
import { Link } from '../router.tsx';

export function RejectionToast() {
  const rejected = useRejectedChanges();
  const seen = useRef<Set<string> | null>(null);
  const [latest, setLatest] = useState<RejectedChange | null>(null);

  useEffect(() => {
    // Entries present when the app opened were already shown in an earlier session.
    if (seen.current === null) {
      seen.current = new Set(rejected.map((change) => change.key));
      return;
    }
    const fresh = rejected.find((change) => !seen.current!.has(change.key));
    for (const change of rejected) seen.current.add(change.key);
    if (fresh) setLatest(fresh);
  }, [rejected]);

  useEffect(() => {
    if (!latest) return;
    const timer = setTimeout(() => setLatest(null), 10_000);
    return () => clearTimeout(timer);
  }, [latest]);

  if (!latest) return null;
  return (
    <div className="toast toast-error" role="alert">
      <span>
        <strong>Change undone: {latest.label}.</strong> {latest.message}
      </span>
      <Link href="/changes" onClick={() => setLatest(null)}>
        See rejected changes
      </Link>
      <button type="button" onClick={() => setLatest(null)}>
        Dismiss
      </button>
    </div>
  );
}
