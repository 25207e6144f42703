/**
 * The one supabase-js client of the page, created on first use. supabase-js is loaded with a
 * dynamic import so the first screen (the local workflow list) never waits for it.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { cachedConfig, loadConfig } from '../config.ts';
import { AUTH_STORAGE_KEY, refreshSignedInUser } from './session.ts';

let clientPromise: Promise<SupabaseClient> | null = null;

export function getSupabase(): Promise<SupabaseClient> {
  clientPromise ??= createClientOnce().catch((error: unknown) => {
    clientPromise = null; // let the next call retry, e.g. once the network is back
    throw error;
  });
  return clientPromise;
}

async function createClientOnce(): Promise<SupabaseClient> {
  const [{ createClient }, config] = await Promise.all([
    import('@supabase/supabase-js'),
    cachedConfig() ? Promise.resolve(cachedConfig()!) : loadConfig(),
  ]);
  const client = createClient(config.supabaseUrl, config.supabaseAnonKey, {
    auth: {
      storageKey: AUTH_STORAGE_KEY,
      persistSession: true,
      autoRefreshToken: true,
      detectSessionInUrl: false,
    },
  });
  client.auth.onAuthStateChange(() => refreshSignedInUser());
  return client;
}

/** Turns a supabase-js or network error into a sentence the user can act on. */
export function describeError(error: unknown): string {
  if (!navigator.onLine) return 'You are offline: this needs a connection to the server.';
  if (error instanceof TypeError && /fetch/i.test(error.message)) {
    return 'The server cannot be reached. Check your connection and try again.';
  }
  if (
    error &&
    typeof error === 'object' &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  return String(error);
}
