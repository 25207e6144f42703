/**
 * The server side of sync, over supabase-js: the two sync RPCs, the pending-row count and
 * the tenancy tables. One HTTP request per call (supabase-js's own retries are off: the
 * sync layer retries and backs off itself). Errors become SyncRemoteError, the model's
 * RpcError with the HTTP status, so callers can tell a server that cannot be reached from one
 * that answered with a refusal.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { JsonObject } from '../src/model/json.ts';
import type { PullCheckpoint, SyncPullResult, SyncPushResult, SyncPushRow } from './protocol.ts';
import type { SyncedCollection } from '../src/model/collections.ts';
import type { TenantRole } from '../src/model/roles.ts';
import { RpcError, type SupabaseErrorLike } from '../src/model/errors.ts';

export class SyncRemoteError extends RpcError {
  constructor(
    message: string,
    sqlState: string | null,
    /** HTTP status; 0 when no response arrived (connection refused, DNS, network down). */
    readonly status: number | null = null,
  ) {
    super(message, sqlState);
    this.name = 'SyncRemoteError';
  }

  static fromResponse(what: string, error: SupabaseErrorLike, status: number): SyncRemoteError {
    const { message, sqlState } = RpcError.from(error, `${what} failed: `);
    return new SyncRemoteError(message, sqlState, status);
  }

  /**
   * True when the server could not be reached: no response at all, or a gateway in front
   * of it saying so. Such a request is not the server's answer and is tried again as soon
   * as the server is back, not counted as a failure.
   */
  get unreachable(): boolean {
    return this.status !== null && UNREACHABLE_STATUSES.has(this.status);
  }
}

const UNREACHABLE_STATUSES = new Set([0, 502, 504]);

/** Whether `error` says the server could not be reached (see SyncRemoteError.unreachable). */
export function isServerUnreachable(error: unknown): boolean {
  if (error instanceof SyncRemoteError) return error.unreachable;
  // fetch itself rejects with a TypeError when no response arrives.
  return error instanceof TypeError;
}

export interface TenantRow {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: string;
  settings: JsonObject;
  created_at: string;
  updated_at: string;
}

export interface MembershipRow {
  tenant_id: string;
  role: TenantRole;
}

function fail(what: string, error: SupabaseErrorLike, status: number): never {
  throw SyncRemoteError.fromResponse(what, error, status);
}

export class SyncRemote {
  constructor(private readonly supabase: SupabaseClient) {}

  async pull(
    collection: SyncedCollection,
    checkpoint: PullCheckpoint | null,
    limit: number,
  ): Promise<SyncPullResult> {
    const { data, error, status } = await this.supabase.rpc('sync_pull', {
      p_collection: collection,
      p_checkpoint: checkpoint,
      p_limit: limit,
    });
    if (error) fail(`Pulling ${collection}`, error, status);
    const result = data as SyncPullResult | null;
    if (!result || !Array.isArray(result.documents)) {
      throw new SyncRemoteError(`Pulling ${collection} returned an unexpected body`, null);
    }
    return result;
  }

  async push(collection: SyncedCollection, rows: SyncPushRow[]): Promise<SyncPushResult> {
    const { data, error, status } = await this.supabase.rpc('sync_push', {
      p_collection: collection,
      p_rows: rows,
    });
    if (error) fail(`Pushing ${rows.length} ${collection}`, error, status);
    const result = data as SyncPushResult | null;
    if (!result || !Array.isArray(result.conflicts) || !Array.isArray(result.rejected)) {
      throw new SyncRemoteError(`Pushing ${collection} returned an unexpected body`, null);
    }
    return result;
  }

  async pendingCount(
    collection: SyncedCollection,
    checkpoint: PullCheckpoint | null,
  ): Promise<number> {
    const { data, error, status } = await this.supabase.rpc('sync_pending_count', {
      p_collection: collection,
      p_checkpoint: checkpoint,
    });
    if (error) fail(`Counting ${collection} to pull`, error, status);
    return Number(data);
  }

  async memberships(userId: string): Promise<MembershipRow[]> {
    const { data, error, status } = await this.supabase
      .from('tenant_members')
      .select('tenant_id,role')
      .eq('user_id', userId)
      .retry(false);
    if (error) fail('Reading your organization memberships', error, status);
    return (data ?? []) as MembershipRow[];
  }

  async tenants(): Promise<TenantRow[]> {
    const { data, error, status } = await this.supabase
      .from('tenants')
      .select('id,name,slug,plan,status,settings,created_at,updated_at')
      .retry(false);
    if (error) fail('Reading your organizations', error, status);
    return (data ?? []) as TenantRow[];
  }
}
