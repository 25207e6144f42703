/**
 * The engine: runs a workflow from its trigger. Independent branches run at the same time (up
 * to a bound); a node starts once every connection into it is settled and at least one carried
 * a value; a node whose inputs were all cut off (a condition chose another branch) is skipped,
 * and so is everything only it feeds. Network nodes get a timeout per attempt and retries with
 * backoff that honour Retry-After. The first failure stops the run: nodes in flight are
 * cancelled, the rest recorded as not run. Cancelling the caller's signal stops every node.
 *
 * Everything the run reports goes through one `emit`: scrubbed of secrets, bounded for the
 * record, folded into the execution record, handed to `onEvent` (the live canvas and run panel)
 * and, gathered, to the ExecutionSink.
 */
import { abortReason, attemptSignal, sleep } from './abort.ts';
import { AbortedError, RuntimeError, errorMessage } from './errors.ts';
import {
  ExecutionRecordBuilder,
  type ExecutionRecord,
  type ExecutionSink,
} from './execution-record.ts';
import type { ExpressionScope } from './expressions.ts';
import { nodeLabel, planRun, type RunPlan, type RunnableNodeType } from './graph-plan.ts';
import { recordCopy, toJsonValue } from './json-value.ts';
import { DEFAULT_LIMITS, type RuntimeLimits } from './limits.ts';
import type { LlmProvider } from './llm/providers.ts';
import type { NodeContext, NodeOutcome, RuntimeServices } from './nodes/node-context.ts';
import { unavailableConnectors, unavailableKnowledge } from './nodes/ports.ts';
import { NODE_EXECUTORS, RETRIED_NODE_TYPES } from './nodes/registry.ts';
import { SecretScrubber } from './secret-scrubber.ts';
import { SinkWriter } from './sink-writer.ts';
import type { TraceEvent, TraceNode } from './trace.ts';
import type {
  ConnectorRunner,
  FetchPort,
  JsonObject,
  JsonValue,
  KnowledgeRetriever,
  RunStatus,
  RuntimeEdge,
  RuntimeWorkflow,
  SecretResolver,
} from './types.ts';

export interface RunWorkflowOptions {
  workflow: RuntimeWorkflow;
  input: JsonValue;
  /** The id of the executions row this run writes. */
  executionId: string;
  /** Which trigger starts the run when the workflow has several. */
  triggerNodeId?: string;
  signal?: AbortSignal;
  secrets?: SecretResolver;
  connectors?: ConnectorRunner;
  knowledge?: KnowledgeRetriever;
  fetch?: FetchPort;
  sink?: ExecutionSink;
  onEvent?: (event: TraceEvent) => void;
  limits?: Partial<RuntimeLimits>;
  /** Whether the device is online; network nodes fail fast with "offline" when it is not. */
  isOnline?: () => boolean;
  llmBaseUrls?: Partial<Record<LlmProvider, string>>;
  /** Clock for the record's timestamps (tests pin it). */
  now?: () => number;
  /** Source of backoff jitter in [0, 1). */
  random?: () => number;
}

type NodeEnd =
  | { kind: 'succeeded'; outcome: NodeOutcome; value: JsonValue }
  | { kind: 'failed'; error: string }
  | { kind: 'cancelled' };

interface NodeState {
  pending: number;
  inputs: { edge: RuntimeEdge; value: JsonValue }[];
  status: 'queued' | 'running' | 'done';
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<ExecutionRecord> {
  const limits: RuntimeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const at = () => new Date(now()).toISOString();
  const random = options.random ?? Math.random;
  const scrubber = new SecretScrubber();
  const builder = new ExecutionRecordBuilder(
    options.executionId,
    options.workflow.id,
    limits.maxRecordValueBytes,
    (text) => scrubber.text(text),
  );
  const writer = new SinkWriter(
    options.sink,
    () => builder.snapshot(),
    limits.recordFlushIntervalMs,
  );
  const emit = (event: TraceEvent) => {
    const clean = scrubber.json(event as unknown as JsonValue) as unknown as TraceEvent;
    builder.apply(clean);
    options.onEvent?.(clean);
    writer.changed();
  };
  const finish = async (status: RunStatus, output: JsonValue, error: string | null) => {
    emit({
      type: 'run-finished',
      at: at(),
      status,
      output: recordCopy(output, limits.maxRecordValueBytes),
      error,
    });
    await writer.close();
    return builder.snapshot();
  };

  let plan: RunPlan;
  let runInput: JsonValue;
  try {
    runInput = toJsonValue(options.input, limits.maxValueBytes, 'The run input');
    plan = planRun(options.workflow, limits, options.triggerNodeId);
  } catch (error) {
    emit({ type: 'run-started', at: at(), input: null, nodes: [] });
    return finish('failed', null, errorMessage(error));
  }

  const traceNodes: TraceNode[] = [
    ...plan.reachable.map((id) => ({ id, status: 'queued' as const })),
    ...plan.unreachable.map((id) => ({ id, status: 'skipped' as const })),
  ].map(({ id, status }) => {
    const node = plan.nodes.get(id)!;
    return { nodeId: id, type: node.type, label: nodeLabel(node), status };
  });
  emit({
    type: 'run-started',
    at: at(),
    input: recordCopy(runInput, limits.maxRecordValueBytes),
    nodes: traceNodes,
  });
  for (const id of plan.unreachable) {
    emit(finished(id, 'skipped', null, { reason: 'Not connected to the trigger.' }));
  }

  const services: RuntimeServices = {
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    connectors: options.connectors ?? unavailableConnectors,
    knowledge: options.knowledge ?? unavailableKnowledge,
    isOnline: options.isOnline ?? (() => true),
    llmBaseUrls: options.llmBaseUrls ?? {},
  };
  const run = new AbortController();
  const onCallerAbort = () => run.abort(new AbortedError('cancelled', 'The run was cancelled.'));
  if (options.signal?.aborted) onCallerAbort();
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const states = new Map<string, NodeState>();
  for (const id of plan.reachable) {
    states.set(id, { pending: plan.incoming.get(id)!.length, inputs: [], status: 'queued' });
  }
  const results = new Map<string, JsonValue>();
  let failure: { nodeId: string; error: string } | null = null;

  function finished(
    nodeId: string,
    status: 'succeeded' | 'failed' | 'skipped' | 'cancelled',
    output: JsonValue,
    details: JsonObject | null,
    extra: { error?: string; usage?: NodeOutcome['usage'] } = {},
  ): TraceEvent {
    return {
      type: 'node-finished',
      at: at(),
      nodeId,
      status,
      output: recordCopy(output, limits.maxRecordValueBytes),
      error: extra.error ?? null,
      usage: extra.usage ?? null,
      details,
    };
  }

  function scopeFor(nodeId: string): ExpressionScope {
    const state = states.get(nodeId)!;
    // In the order of the connections, not of arrival: the same run gives the same list.
    const order = plan.incoming.get(nodeId)!;
    const arrived = [...state.inputs].sort((a, b) => order.indexOf(a.edge) - order.indexOf(b.edge));
    const inputs: JsonObject = {};
    for (const { edge, value } of arrived) {
      const source = plan.nodes.get(edge.source)!;
      const key = Object.hasOwn(inputs, nodeLabel(source)) ? source.id : nodeLabel(source);
      Object.defineProperty(inputs, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const values = arrived.map((entry) => entry.value);
    const input = nodeId === plan.trigger.id ? runInput : values.length === 1 ? values[0]! : values;
    return { input, inputs, trigger: runInput };
  }

  async function runNode(nodeId: string): Promise<NodeEnd> {
    const node = plan.nodes.get(nodeId)!;
    const label = nodeLabel(node);
    const executor = NODE_EXECUTORS[node.type as RunnableNodeType];
    const scope = scopeFor(nodeId);
    const ownTimeout = node.data['timeoutMs'];
    const timeoutMs =
      node.type === 'http' && typeof ownTimeout === 'number' && ownTimeout > 0
        ? Math.min(ownTimeout, 600_000)
        : limits.nodeTimeoutMs;
    const maxAttempts = RETRIED_NODE_TYPES.has(node.type) ? Math.max(1, limits.maxAttempts) : 1;
    const recordedInput = recordCopy(scope.input, limits.maxRecordValueBytes);

    for (let attempt = 1; ; attempt++) {
      emit({ type: 'node-started', at: at(), nodeId, input: recordedInput, attempt });
      const attemptAbort = attemptSignal(run.signal, timeoutMs);
      const context: NodeContext = {
        node,
        label,
        scope,
        signal: attemptAbort.signal,
        limits,
        services,
        resolveSecret: async (secretId) => {
          if (!options.secrets) {
            throw new RuntimeError(
              'No vault is unlocked, so the secret this node needs cannot be read.',
            );
          }
          let value: string;
          try {
            value = await options.secrets.resolve(secretId, attemptAbort.signal);
          } catch (error) {
            if (attemptAbort.signal.aborted) throw abortReason(attemptAbort.signal);
            throw new RuntimeError(
              `The secret this node needs could not be read: ${errorMessage(error)}`,
            );
          }
          if (typeof value !== 'string' || value === '')
            throw new RuntimeError('The secret this node needs is empty.');
          scrubber.add(value);
          return value;
        },
        onToken: (text) => {
          if (!attemptAbort.signal.aborted) emit({ type: 'node-token', nodeId, text });
        },
      };
      let failed: unknown;
      try {
        const outcome = await executor(context);
        if (attemptAbort.signal.aborted) throw abortReason(attemptAbort.signal);
        // Scrubbed before it flows on: a server that echoed a key cannot hand it to the next
        // node, where a transform could reshape it past the scrubber.
        const value = scrubber.json(
          toJsonValue(outcome.output, limits.maxValueBytes, `The output of "${label}"`),
        );
        return { kind: 'succeeded', outcome, value };
      } catch (error) {
        failed = attemptAbort.signal.aborted ? abortReason(attemptAbort.signal) : error;
      } finally {
        attemptAbort.dispose();
      }
      if (failed instanceof AbortedError) {
        if (failed.reason === 'cancelled') return { kind: 'cancelled' };
        return { kind: 'failed', error: `Timed out after ${timeoutMs} ms.` };
      }
      const retryable = failed instanceof RuntimeError && failed.retryable;
      if (!retryable || !(failed instanceof RuntimeError) || attempt >= maxAttempts) {
        const suffix = retryable && attempt > 1 ? ` (gave up after ${attempt} attempts)` : '';
        return { kind: 'failed', error: `${errorMessage(failed)}${suffix}` };
      }
      const asked = failed.retryAfterMs;
      const backoff = limits.retryBaseDelayMs * 2 ** (attempt - 1) * (0.5 + random() / 2);
      const waitMs = Math.round(asked ?? backoff);
      if (waitMs > limits.maxRetryDelayMs) {
        return {
          kind: 'failed',
          error: `${errorMessage(failed)} The server asked to wait ${Math.round(waitMs / 1000)} s before retrying, longer than the ${Math.round(limits.maxRetryDelayMs / 1000)} s a run waits.`,
        };
      }
      emit({
        type: 'node-retry',
        at: at(),
        nodeId,
        attempt: attempt + 1,
        waitMs,
        reason: errorMessage(failed),
      });
      try {
        await sleep(waitMs, run.signal);
      } catch {
        return { kind: 'cancelled' };
      }
    }
  }

  const ready: string[] = [plan.trigger.id];
  let next = 0;
  let running = 0;

  /**
   * Settles the connections out of a finished node: a target whose connections are all settled
   * becomes ready, or is skipped (and settles its own) when none of them carried a value.
   */
  function settleOutgoing(
    nodeId: string,
    active: NodeOutcome['handles'] | null,
    value: JsonValue,
  ): void {
    // Iterative, so a long chain of skipped nodes cannot overflow the stack.
    const work: { nodeId: string; handles: NodeOutcome['handles'] | null; value: JsonValue }[] = [
      { nodeId, handles: active, value },
    ];
    while (work.length > 0) {
      const item = work.pop()!;
      for (const edge of plan.outgoing.get(item.nodeId)!) {
        const target = states.get(edge.target);
        if (!target) continue;
        const carries =
          item.handles !== null &&
          (item.handles === undefined || item.handles.includes(edge.sourceHandle ?? ''));
        if (carries) target.inputs.push({ edge, value: item.value });
        target.pending--;
        if (target.pending > 0) continue;
        if (target.inputs.length > 0) ready.push(edge.target);
        else {
          target.status = 'done';
          emit(
            finished(edge.target, 'skipped', null, {
              reason: 'No input arrived: a condition chose another branch.',
            }),
          );
          work.push({ nodeId: edge.target, handles: null, value: null });
        }
      }
    }
  }

  const ended = new Promise<void>((resolve) => {
    const pump = () => {
      while (
        failure === null &&
        !run.signal.aborted &&
        running < limits.maxConcurrentNodes &&
        next < ready.length
      ) {
        const nodeId = ready[next++]!;
        const state = states.get(nodeId)!;
        state.status = 'running';
        running++;
        void runNode(nodeId).then((end) => {
          running--;
          state.status = 'done';
          const details = end.kind === 'succeeded' ? (end.outcome.details ?? null) : null;
          if (end.kind === 'succeeded') {
            results.set(nodeId, end.value);
            emit(finished(nodeId, 'succeeded', end.value, details, { usage: end.outcome.usage }));
            settleOutgoing(nodeId, end.outcome.handles, end.value);
          } else if (end.kind === 'failed') {
            emit(finished(nodeId, 'failed', null, null, { error: end.error }));
            if (failure === null) {
              failure = { nodeId, error: end.error };
              run.abort(new AbortedError('cancelled', 'Stopped: another node failed.'));
            }
          } else {
            emit(finished(nodeId, 'cancelled', null, null, { error: cancelledReason() }));
          }
          pump();
        });
      }
      if (running === 0 && (failure !== null || run.signal.aborted || next >= ready.length))
        resolve();
    };
    pump();
  });

  function cancelledReason(): string {
    return failure
      ? `Stopped because "${nodeLabel(plan.nodes.get(failure.nodeId)!)}" failed.`
      : 'The run was cancelled.';
  }

  await ended;
  options.signal?.removeEventListener('abort', onCallerAbort);
  const cancelled = failure === null && run.signal.aborted;
  for (const [id, state] of states) {
    if (state.status === 'done') continue;
    emit(finished(id, cancelled ? 'cancelled' : 'skipped', null, { reason: cancelledReason() }));
  }
  if (failure !== null) {
    const { nodeId, error } = failure;
    return finish('failed', null, `Node "${nodeLabel(plan.nodes.get(nodeId)!)}" failed: ${error}`);
  }
  if (cancelled) return finish('cancelled', null, 'The run was cancelled.');
  return finish('succeeded', runOutput(plan, results), null);
}

/** The run's result: the one output node's value, or the outputs keyed by node label. */
function runOutput(plan: RunPlan, results: ReadonlyMap<string, JsonValue>): JsonValue {
  const outputs = plan.reachable.filter(
    (id) => plan.nodes.get(id)!.type === 'output' && results.has(id),
  );
  if (outputs.length === 0) return null;
  if (outputs.length === 1) return results.get(outputs[0]!)!;
  const byLabel: JsonObject = {};
  for (const id of outputs) {
    const label = nodeLabel(plan.nodes.get(id)!);
    const key = Object.hasOwn(byLabel, label) ? id : label;
    Object.defineProperty(byLabel, key, {
      value: results.get(id)!,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return byLabel;
}
