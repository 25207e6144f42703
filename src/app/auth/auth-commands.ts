/** Sign up, sign in and sign out, through supabase-js (GoTrue endpoints of the server). */
import { getSupabase } from './supabase-client.ts';
import { AUTH_STORAGE_KEY, refreshSignedInUser } from './session.ts';
import { closeAppData } from '../data/open-app-data.ts';

export async function signIn(email: string, password: string): Promise<void> {
  const supabase = await getSupabase();
  const { error } = await supabase.auth.signInWithPassword({ email, password });
  if (error) throw error;
  refreshSignedInUser();
}

export async function signUp(email: string, password: string): Promise<void> {
  const supabase = await getSupabase();
  const { data, error } = await supabase.auth.signUp({ email, password });
  if (error) throw error;
  // A server that confirms e-mail addresses answers without a session: sign in is still needed.
  if (!data.session) {
    throw new Error('Account created. Confirm your e-mail address, then sign in.');
  }
  refreshSignedInUser();
}

export async function signOut(): Promise<void> {
  try {
    // Stop syncing before the session goes; the local data stays for the next sign-in.
    await closeAppData();
    const supabase = await getSupabase();
    // 'local' works offline: the refresh token is dropped here even if the server is unreachable.
    await supabase.auth.signOut({ scope: 'local' });
  } finally {
    localStorage.removeItem(AUTH_STORAGE_KEY);
    refreshSignedInUser();
  }
}
