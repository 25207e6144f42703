/** Small builders for runtime tests: nodes with the editor's defaults, an in-memory sink, a vault. */
import { defaultNodeData } from '../../../../src/editor/node-types.ts';
import type { ExecutionRecord, ExecutionSink } from '../../../../src/runtime/execution-record.ts';
import type {
  JsonObject,
  RuntimeEdge,
  RuntimeNode,
  RuntimeWorkflow,
  SecretResolver,
} from '../../../../src/runtime/types.ts';

export function node(id: string, type: string, data: JsonObject = {}): RuntimeNode {
  return { id, type, data: { ...defaultNodeData(type), label: id, ...data } };
}

let edgeCount = 0;
export function edge(
  source: string,
  sourceHandle: string,
  target: string,
  targetHandle: string,
): RuntimeEdge {
  return { id: `e${++edgeCount}`, source, target, sourceHandle, targetHandle };
}

export function workflow(nodes: RuntimeNode[], edges: RuntimeEdge[]): RuntimeWorkflow {
  return { id: 'wf-1', nodes, edges };
}

/** The trigger's schema that accepts anything. */
export const ANY_INPUT = { inputSchema: '{}' };

export class MemorySink implements ExecutionSink {
  readonly records: ExecutionRecord[] = [];
  write(record: ExecutionRecord): void {
    this.records.push(record);
  }
  get last(): ExecutionRecord {
    const record = this.records.at(-1);
    if (!record) throw new Error('nothing written');
    return record;
  }
}

export function vault(values: Record<string, string>): SecretResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (secretId) => {
      asked.push(secretId);
      const value = values[secretId];
      if (value === undefined) throw new Error(`No secret ${secretId}`);
      return value;
    },
  };
}
