/**
 * Who is signed in, read straight from the session supabase-js persists in localStorage, so
 * the first screen (and an offline start) knows the user without loading supabase-js at all.
 */
import { createStore, type Store } from '../data/store.ts';

/** supabase-js is created with this storageKey (supabase-client.ts). */
export const AUTH_STORAGE_KEY = 'flowkeep.auth';

export interface SignedInUser {
  id: string;
  email: string;
}

function readSignedInUser(): SignedInUser | null {
  try {
    const raw = localStorage.getItem(AUTH_STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { user?: { id?: unknown; email?: unknown } } | null;
    const user = parsed?.user;
    if (!user || typeof user.id !== 'string') return null;
    return { id: user.id, email: typeof user.email === 'string' ? user.email : '' };
  } catch {
    return null;
  }
}

const sessionStore = createStore<SignedInUser | null>(readSignedInUser());

/** Re-reads the persisted session, keeping the same object while the user is unchanged. */
export function refreshSignedInUser(): void {
  const next = readSignedInUser();
  const previous = sessionStore.get();
  if (next?.id === previous?.id && next?.email === previous?.email) return;
  sessionStore.set(next);
}

window.addEventListener('storage', (event) => {
  if (event.key === AUTH_STORAGE_KEY || event.key === null) refreshSignedInUser();
});

export const signedInUser: Store<SignedInUser | null> = sessionStore;
