/**
 * The runtime's own view of a workflow and of the world it calls. The runtime is framework-free
 * (no React, no DOM, nothing from src/app, src/db, src/vault or sync/) so it runs in a Web Worker
 * and in plain Node; these types mirror `WorkflowNode` / `WorkflowEdge` of src/model/workflow.ts
 * structurally, so a stored workflow is passed in as it is.
 */

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface RuntimeNode {
  id: string;
  type: string;
  data: JsonObject;
}

export interface RuntimeEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

export interface RuntimeWorkflow {
  id: string;
  nodes: readonly RuntimeNode[];
  edges: readonly RuntimeEdge[];
}

/** What the canvas shows for a node while a run progresses. */
export type NodeRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export type RunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * Decrypts a vault secret by reference, only for the call that needs it. The runtime keeps the
 * value in memory for that call and for scrubbing the run's record, never anywhere else.
 */
export interface SecretResolver {
  resolve(secretId: string, signal: AbortSignal): Promise<string>;
}

export interface ConnectorCall {
  connectorId: string;
  operation: string;
  input: JsonValue;
  signal: AbortSignal;
}

/** Runs one operation of a configured connector (filled in by the connectors feature). */
export interface ConnectorRunner {
  run(call: ConnectorCall): Promise<JsonValue>;
}

export interface RetrievalQuery {
  knowledgeBaseId: string;
  query: string;
  topK: number;
  minScore: number;
  signal: AbortSignal;
}

export interface RetrievedPassage {
  documentId: string;
  text: string;
  score: number;
  title?: string;
}

/** Finds the passages of a knowledge base closest to a query (filled in by the KB feature). */
export interface KnowledgeRetriever {
  retrieve(query: RetrievalQuery): Promise<RetrievedPassage[]>;
}

/** The `fetch` the runtime calls for HTTP and LLM nodes; injectable for tests and the worker. */
export type FetchPort = (input: string, init: RequestInit) => Promise<Response>;
