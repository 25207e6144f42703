/**
 * Work that a reload would lose right now (e.g. text typed into a field and not yet written to
 * the local database). Screens register a check; the update prompt refuses to reload while any
 * check says yes. Everything already written to IndexedDB survives a reload, synced or not.
 */
const checks = new Map<string, () => boolean>();

export function registerUnsavedWork(key: string, hasUnsavedWork: () => boolean): () => void {
  checks.set(key, hasUnsavedWork);
  return () => {
    if (checks.get(key) === hasUnsavedWork) checks.delete(key);
  };
}

export function hasUnsavedWork(): boolean {
  for (const check of checks.values()) if (check()) return true;
  return false;
}
