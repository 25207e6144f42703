/**
 * The live trigger: the server's change channel (sync/live-channel.ts) turned into pulls.
 * A change to a synced table pulls that collection; a change to memberships or
 * organizations refreshes the user's tenants first, then pulls everything; the channel
 * coming back pulls everything (changes made while it was down are only found by pulling)
 * and is also the first sign that an unreachable server is back.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Subscription } from 'rxjs';
import type { SyncedCollection } from '../src/model/collections.ts';
import { openLiveChannel, type LiveChannel } from './live-channel.ts';

const TENANCY_TABLES = ['tenant_members', 'tenants'];

export interface LiveTriggerOptions {
  supabase: SupabaseClient;
  collections: readonly SyncedCollection[];
  /** The server changed `collection`. */
  onChange: (collection: SyncedCollection) => void;
  /** Memberships or organizations changed. */
  onTenancyChange: () => void;
  /** The channel is (again) subscribed, or has just dropped. */
  onConnected: (connected: boolean) => void;
}

export class LiveTrigger {
  private channel: LiveChannel | null = null;
  private subscriptions: Subscription[] = [];
  private connectedNow = false;

  constructor(private readonly options: LiveTriggerOptions) {}

  get connected(): boolean {
    return this.connectedNow;
  }

  open(): void {
    if (this.channel) return;
    const { supabase, collections } = this.options;
    const channel = openLiveChannel(supabase, [...collections, ...TENANCY_TABLES]);
    this.channel = channel;
    this.subscriptions.push(
      channel.connected$.subscribe((connected) => {
        this.connectedNow = connected;
        this.options.onConnected(connected);
      }),
      channel.changes$.subscribe((table) => {
        if (TENANCY_TABLES.includes(table)) this.options.onTenancyChange();
        else this.options.onChange(table as SyncedCollection);
      }),
    );
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = null;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
    if (this.connectedNow) {
      this.connectedNow = false;
      this.options.onConnected(false);
    }
    await channel?.close();
  }
}
