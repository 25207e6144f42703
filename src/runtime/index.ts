/**
 * Flowkeep's workflow runtime: runs a workflow graph in a Web Worker or in Node, with no React
 * and no DOM. Start with `runWorkflow` (run-workflow.ts); the ports it calls are declared in
 * types.ts (SecretResolver, ConnectorRunner, KnowledgeRetriever, FetchPort) and
 * execution-record.ts (ExecutionSink). worker.ts and worker-protocol.ts run it off the main thread.
 */
export { runWorkflow, type RunWorkflowOptions } from './run-workflow.ts';
export {
  ExecutionRecordBuilder,
  buildExecutionRecord,
  type ExecutionRecord,
  type ExecutionSink,
  type NodeResultRecord,
} from './execution-record.ts';
export type { TraceEvent, TraceNode } from './trace.ts';
export { DEFAULT_LIMITS, type RuntimeLimits } from './limits.ts';
export { planRun, nodeLabel, RUNNABLE_NODE_TYPES, type RunPlan } from './graph-plan.ts';
export {
  evaluateExpression,
  renderTemplate,
  parseTemplate,
  ExpressionError,
  type ExpressionScope,
} from './expressions.ts';
export {
  convertJsExpression,
  convertJsTemplate,
  type ConversionContext,
  type ConversionResult,
} from './convert-expression.ts';
export {
  migrateNodeExpressions,
  migrateWorkflowExpressions,
  type ExpressionMigrationProblem,
} from './migrate-expressions.ts';
export { isTruncatedValue, type TruncatedValue } from './json-value.ts';
export { SECRET_PLACEHOLDER } from './secret-scrubber.ts';
export { LLM_PROVIDERS, type LlmProvider } from './llm/providers.ts';
export type * from './types.ts';
