/**
 * The one way tests and benches make a supabase-js client in Node: no stored session, no
 * background refresh, and the `ws` WebSocket (Node 20 has no global one) for Realtime.
 */
import {
  createClient,
  type SupabaseClient,
  type SupabaseClientOptions,
} from '@supabase/supabase-js';
import WebSocket from 'ws';

export function createNodeSupabaseClient(
  url: string,
  anonKey: string,
  options: Omit<SupabaseClientOptions<'public'>, 'auth' | 'realtime'> = {},
): SupabaseClient {
  return createClient(url, anonKey, {
    ...options,
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
}
