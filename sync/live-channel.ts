/**
 * The server's change channel (Supabase Realtime postgres_changes, which the local server
 * speaks too): tells the sync engine which tables changed so it can pull at once. The
 * channel carries no data the engine relies on; pulls stay the single source of rows.
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

export function openLiveChannel(supabase: SupabaseClient, tables: readonly string[]): LiveChannel {
  const changes = new Subject<string>();
  const connected = new BehaviorSubject(false);
  const name = `flowkeep-sync-${Math.random().toString(36).slice(2, 10)}`;
  let channel: RealtimeChannel = supabase.channel(name);
  for (const table of tables) {
    channel = channel.on('postgres_changes', { event: '*', schema: 'public', table }, () =>
      changes.next(table),
    );
  }
  channel.subscribe((status) => {
    const isConnected = status === 'SUBSCRIBED';
    if (connected.getValue() !== isConnected) connected.next(isConnected);
  });
  return {
    changes$: changes.asObservable(),
    connected$: connected.asObservable(),
    async close() {
      await supabase.removeChannel(channel);
      connected.next(false);
      changes.complete();
      connected.complete();
    },
  };
}
