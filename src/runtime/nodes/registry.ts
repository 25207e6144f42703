/** Which executor runs each node type, and which types may be retried after a failure. */
import type { RunnableNodeType } from '../graph-plan.ts';
import { runHttp } from './http.ts';
import { runLlm } from './llm.ts';
import { runCondition, runOutput, runTransform } from './logic.ts';
import type { NodeExecutor } from './node-context.ts';
import { runConnector, runKnowledgeRetrieval } from './ports.ts';
import { runTrigger } from './trigger.ts';

export const NODE_EXECUTORS: Record<RunnableNodeType, NodeExecutor> = {
  trigger: runTrigger,
  llm: runLlm,
  http: runHttp,
  connector: runConnector,
  kb_retrieval: runKnowledgeRetrieval,
  condition: runCondition,
  transform: runTransform,
  output: runOutput,
};

/** Network nodes retry on 429, 5xx and network errors; the others fail the same way twice. */
export const RETRIED_NODE_TYPES: ReadonlySet<string> = new Set(['llm', 'http']);
