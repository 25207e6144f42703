/**
 * Every bound the runtime enforces, in one place. Workflows are written by other members and run
 * in the browser of whoever starts them, so nothing a workflow says may grow without limit.
 */
export interface RuntimeLimits {
  /** Nodes and edges a runnable workflow may have (the file format allows 10,000 nodes). */
  maxNodes: number;
  maxEdges: number;
  /** Nodes running at the same time. */
  maxConcurrentNodes: number;
  /** Per-attempt timeout of a node, unless the node sets its own (HTTP's timeoutMs). */
  nodeTimeoutMs: number;
  /** Attempts of a network node (LLM, HTTP) on 429, 5xx and network errors. */
  maxAttempts: number;
  /** First backoff delay; doubled per attempt, with jitter. */
  retryBaseDelayMs: number;
  /** Longest wait before a retry; a longer Retry-After fails the node instead of waiting. */
  maxRetryDelayMs: number;
  /** A value passed from one node to the next, serialized. */
  maxValueBytes: number;
  /** A node's input or output as stored in the execution record; longer is truncated there. */
  maxRecordValueBytes: number;
  /** An HTTP response body read by the HTTP node. */
  maxResponseBytes: number;
  /** Text an LLM may stream into one node's output. */
  maxStreamChars: number;
  /** A template's rendered text. */
  maxTemplateChars: number;
  /** One expression's evaluation. */
  expressionTimeoutMs: number;
  expressionMaxDepth: number;
  expressionMaxSequence: number;
  /** Length of an expression's source text. */
  maxExpressionChars: number;
  /** A trigger's JSON Schema, serialized. */
  maxSchemaChars: number;
  /** How often (at most) streaming text pushes a new record to the sink. */
  recordFlushIntervalMs: number;
}

export const DEFAULT_LIMITS: RuntimeLimits = {
  maxNodes: 10_000,
  maxEdges: 50_000,
  maxConcurrentNodes: 8,
  nodeTimeoutMs: 120_000,
  maxAttempts: 3,
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 60_000,
  maxValueBytes: 5 * 1024 * 1024,
  maxRecordValueBytes: 64 * 1024,
  maxResponseBytes: 5 * 1024 * 1024,
  maxStreamChars: 1_000_000,
  maxTemplateChars: 1_000_000,
  expressionTimeoutMs: 1_000,
  expressionMaxDepth: 200,
  expressionMaxSequence: 100_000,
  maxExpressionChars: 20_000,
  maxSchemaChars: 200_000,
  recordFlushIntervalMs: 200,
};
