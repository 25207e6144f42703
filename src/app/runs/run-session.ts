/**
 * One workflow's runs as the run panel and the canvas see them: the live record of the current
 * run (each node's state, the text streamed so far), start, cancel and re-run with the same
 * input. Framework-free; the panel reads `state` with useSyncExternalStore. Live updates are
 * gathered per animation-sized interval so a fast token stream does not re-render per token.
 */
import { createStore, type Store } from '../data/store.ts';
import {
  ExecutionRecordBuilder,
  DEFAULT_LIMITS,
  runWorkflow,
  type ExecutionRecord,
  type JsonValue,
  type RunWorkflowOptions,
  type RuntimeWorkflow,
  type TraceEvent,
} from '../../runtime/index.ts';
import type { RunHandle } from '../../runtime/worker-client.ts';
import type { RunRequest } from '../../runtime/worker-protocol.ts';

/** What starts runs: the worker client in the app, the runtime in this thread in tests. */
export interface WorkflowRunner {
  run(request: RunRequest, onEvent?: (event: TraceEvent) => void): RunHandle;
}

/** Runs in this thread (tests, or a browser without module workers). */
export function inThreadRunner(
  options: Omit<RunWorkflowOptions, keyof RunRequest | 'signal' | 'onEvent'>,
): WorkflowRunner {
  return {
    run(request, onEvent) {
      const controller = new AbortController();
      const done = runWorkflow({ ...options, ...request, signal: controller.signal, onEvent });
      return { done, cancel: () => controller.abort() };
    },
  };
}

export interface RunSessionState {
  /** The current (or last) run as it stands; null before the first run. */
  record: ExecutionRecord | null;
  running: boolean;
  /** The input of the last run, for "run again". */
  lastInput: JsonValue | undefined;
}

export interface RunSession {
  readonly state: Store<RunSessionState>;
  start(workflow: RuntimeWorkflow, input: JsonValue): Promise<ExecutionRecord>;
  /** Runs again with the last input. */
  rerun(workflow: RuntimeWorkflow): Promise<ExecutionRecord>;
  cancel(): void;
}

export interface RunSessionOptions {
  newExecutionId?: () => string;
  /** Longest wait before live changes reach the panel. */
  updateIntervalMs?: number;
}

export function createRunSession(
  runner: WorkflowRunner,
  options: RunSessionOptions = {},
): RunSession {
  const state = createStore<RunSessionState>({
    record: null,
    running: false,
    lastInput: undefined,
  });
  const newId = options.newExecutionId ?? (() => crypto.randomUUID());
  const interval = options.updateIntervalMs ?? 50;
  let current: RunHandle | null = null;

  async function start(workflow: RuntimeWorkflow, input: JsonValue): Promise<ExecutionRecord> {
    current?.cancel();
    const executionId = newId();
    const builder = new ExecutionRecordBuilder(
      executionId,
      workflow.id,
      DEFAULT_LIMITS.maxRecordValueBytes,
    );
    let timer: ReturnType<typeof setTimeout> | null = null;
    const publish = () => {
      timer = null;
      if (current === handle)
        state.set({ record: builder.snapshot(), running: true, lastInput: input });
    };
    const handle = runner.run({ workflow, input, executionId }, (event) => {
      builder.apply(event);
      timer ??= setTimeout(publish, interval);
    });
    current = handle;
    state.set({ record: null, running: true, lastInput: input });
    try {
      const record = await handle.done;
      if (current === handle) state.set({ record, running: false, lastInput: input });
      return record;
    } catch (error) {
      if (current === handle) {
        const record = builder.snapshot();
        state.set({
          record: { ...record, status: 'failed', error: (error as Error).message },
          running: false,
          lastInput: input,
        });
      }
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      if (current === handle) current = null;
    }
  }

  return {
    state,
    start,
    rerun(workflow) {
      const { lastInput } = state.get();
      return start(workflow, lastInput === undefined ? {} : lastInput);
    },
    cancel() {
      current?.cancel();
    },
  };
}
