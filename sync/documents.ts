/**
 * The shapes of synced documents: one interface per collection, mirroring the Postgres table
 * of the same name (supabase/migrations). This file is the contract between the database,
 * the sync layer, the local RxDB schemas and the app. Server-only columns (`_txid`) never
 * reach a local document; `server_txid` carries it so a push can name the version it saw.
 */

export const SYNCED_COLLECTIONS = [
  'workflows',
  'knowledge_bases',
  'kb_documents',
  'connectors',
  'secrets',
  'executions',
] as const;
export type SyncedCollection = (typeof SYNCED_COLLECTIONS)[number];

export type TenantRole = 'owner' | 'admin' | 'member' | 'viewer';
export const ROLE_RANK: Record<TenantRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };

/** ISO-8601 timestamp as Postgres' to_jsonb prints it. */
export type Timestamp = string;
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Columns every synced table has. */
export interface SyncedRow {
  id: string;
  tenant_id: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** `_txid` of the server version this document was last pulled at; null before first push. */
  server_txid?: string | null;
  _deleted: boolean;
}

export interface WorkflowNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: JsonObject;
  width?: number;
  height?: number;
}

export interface WorkflowEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
  data?: JsonObject;
}

export interface WorkflowVersion {
  id: string;
  name: string;
  created_at: Timestamp;
  created_by: string | null;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

export interface WorkflowDoc extends SyncedRow {
  name: string;
  description: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  viewport: { x: number; y: number; zoom: number } | null;
  settings: JsonObject;
  versions: WorkflowVersion[];
  /** Values that lost a same-field conflict, kept where the user can see and restore them. */
  conflicts: JsonValue[];
  tags: string[];
}

export interface KnowledgeBaseDoc extends SyncedRow {
  name: string;
  description: string;
  embedding_model: string | null;
  chunk_size: number;
  chunk_overlap: number;
  settings: JsonObject;
}

export interface KbDocumentDoc extends SyncedRow {
  knowledge_base_id: string;
  name: string;
  mime_type: string;
  content: string;
  size_bytes: number;
  status: 'pending' | 'processing' | 'ready' | 'failed';
  metadata: JsonObject;
}

export interface ConnectorDoc extends SyncedRow {
  name: string;
  description: string;
  icon: string | null;
  category: string | null;
  type: 'single-step' | 'multi-step';
  config: JsonObject;
  input_schema: JsonObject;
  field_mappings: JsonObject;
  enabled: boolean;
  timeout_ms: number;
  max_retries: number;
  continue_on_error: boolean;
  total_executions: number;
  successful_executions: number;
  failed_executions: number;
  last_executed_at: Timestamp | null;
  created_from_template: string | null;
}

export interface SecretDoc extends SyncedRow {
  name: string;
  provider: string | null;
  secret_type: string;
  /** base64 AES-256-GCM ciphertext; the plaintext never leaves the browser. */
  ciphertext: string;
  /** base64 96-bit IV. */
  iv: string;
  key_version: number;
  description: string;
  tags: string[];
  is_active: boolean;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  usage_count: number;
}

export interface ExecutionDoc extends SyncedRow {
  workflow_id: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  input: JsonValue;
  output: JsonValue;
  node_results: JsonValue;
  error: string | null;
}

export interface CollectionDocs {
  workflows: WorkflowDoc;
  knowledge_bases: KnowledgeBaseDoc;
  kb_documents: KbDocumentDoc;
  connectors: ConnectorDoc;
  secrets: SecretDoc;
  executions: ExecutionDoc;
}

/** Wire shapes of the two sync RPCs (DESIGN.md, "Sync protocol"). */
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
