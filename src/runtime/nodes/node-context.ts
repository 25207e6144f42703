/**
 * What a node executor gets (its node, the expression scope, an abort signal for this attempt,
 * the ports it may call) and what it returns.
 */
import type { ExpressionScope } from '../expressions.ts';
import type { RuntimeLimits } from '../limits.ts';
import type { LlmProvider } from '../llm/providers.ts';
import type {
  ConnectorRunner,
  FetchPort,
  JsonObject,
  JsonValue,
  KnowledgeRetriever,
  RuntimeNode,
  TokenUsage,
} from '../types.ts';

export interface RuntimeServices {
  fetch: FetchPort;
  connectors: ConnectorRunner;
  knowledge: KnowledgeRetriever;
  isOnline: () => boolean;
  /** Base URLs overriding the providers' defaults (a proxy, a local server in tests). */
  llmBaseUrls: Partial<Record<LlmProvider, string>>;
}

export interface NodeContext {
  node: RuntimeNode;
  label: string;
  scope: ExpressionScope;
  signal: AbortSignal;
  limits: RuntimeLimits;
  services: RuntimeServices;
  /** Decrypts a secret for this call; its value is scrubbed from everything the run writes. */
  resolveSecret(secretId: string): Promise<string>;
  /** Streams text into the trace as it arrives. */
  onToken(text: string): void;
}

export interface NodeOutcome {
  output: JsonValue;
  /** Output handles the value flows out of; all of them when absent (a condition picks one). */
  handles?: readonly string[];
  usage?: TokenUsage;
  details?: JsonObject;
}

export type NodeExecutor = (context: NodeContext) => Promise<NodeOutcome>;

export function stringField(data: JsonObject, key: string, fallback = ''): string {
  const value = data[key];
  return typeof value === 'string' ? value : fallback;
}

export function numberField(data: JsonObject, key: string, fallback: number): number {
  const value = data[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
