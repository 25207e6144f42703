/**
 * The server's change channel (Supabase Realtime postgres_changes, which the local server
 * speaks too): tells the sync engine which tables changed so it can pull at once. The
 * channel carries no data the engine relies on; pulls stay the single source of rows.
 *
 * Two things keep it alive for a long-running session:
 * - it hands the current access token to the realtime client before each join, because
 *   supabase-js may otherwise join before it knows the token, as anon, and hear nothing;
 * - when the server closes the channel (e.g. its token expired while the app was idle or
 *   offline), it joins again on a fresh token. supabase-js rejoins by itself only after
 *   errors and time-outs, never after a close.
 */
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';

export interface LiveChannel {
  /** Name of a table with a change the user can see. */
  readonly changes$: Observable<string>;
  /** True while subscribed; after a reconnect the engine pulls to catch up. */
  readonly connected$: Observable<boolean>;
  close(): Promise<void>;
}

export interface LiveChannelOptions {
  /** Wait before joining again after the server closed the channel (default 1 s). */
  rejoinDelayMs?: number;
}

export function openLiveChannel(
  supabase: SupabaseClient,
  tables: readonly string[],
  options: LiveChannelOptions = {},
): LiveChannel {
  const changes = new Subject<string>();
  const connected = new BehaviorSubject(false);
  let channel: RealtimeChannel | null = null;
  let closed = false;
  let rejoinTimer: ReturnType<typeof setTimeout> | null = null;

  const setConnected = (value: boolean) => {
    if (!closed && connected.getValue() !== value) connected.next(value);
  };

  const join = async (): Promise<void> => {
    rejoinTimer = null;
    // getSession refreshes an expired access token when it can (the refresh token is
    // still good), so a channel closed for expiry comes back with a valid one.
    const { data } = await supabase.auth.getSession().catch(() => ({ data: { session: null } }));
    if (closed) return;
    if (data.session) await supabase.realtime.setAuth(data.session.access_token);
    if (closed) return;
    const name = `flowkeep-sync-${Math.random().toString(36).slice(2, 10)}`;
    let next = supabase.channel(name);
    for (const table of tables) {
      next = next.on('postgres_changes', { event: '*', schema: 'public', table }, () =>
        changes.next(table),
      );
    }
    channel = next;
    next.subscribe((status) => {
      if (next !== channel) return;
      setConnected(status === 'SUBSCRIBED');
      if (status === 'CLOSED' && !closed) {
        channel = null;
        void supabase.removeChannel(next);
        rejoinTimer = setTimeout(() => void join(), options.rejoinDelayMs ?? 1000);
      }
    });
  };
  void join();

  return {
    changes$: changes.asObservable(),
    connected$: connected.asObservable(),
    async close() {
      closed = true;
      if (rejoinTimer) clearTimeout(rejoinTimer);
      if (channel) await supabase.removeChannel(channel);
      channel = null;
      connected.next(false);
      changes.complete();
      connected.complete();
    },
  };
}
