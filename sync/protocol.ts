/**
 * Wire shapes of the two sync RPCs, `sync_pull` and `sync_push`
 * (supabase/migrations/20261123000003_sync_rpcs.sql).
 */
import type { JsonObject } from '../src/model/json.ts';

export interface PullCheckpoint {
  txid: string;
  id: string;
}
export interface SyncPullResult<Row = JsonObject> {
  documents: Row[];
  checkpoint: PullCheckpoint | null;
}
export interface SyncPushRow {
  newDocumentState: JsonObject;
  assumedMasterState: JsonObject | null;
}
export interface SyncPushRejection {
  id: string;
  code: string;
  message: string;
}
export interface SyncPushResult {
  conflicts: JsonObject[];
  rejected: SyncPushRejection[];
}
