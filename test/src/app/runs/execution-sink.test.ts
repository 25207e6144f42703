/**
 * A run's record written to the local `executions` collection as it progresses, with RxDB's
 * schema validation on: the row the runtime builds is one the local schema (and so sync) takes.
 */
import { randomUUID } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { createRxExecutionSink } from '../../../../src/app/runs/execution-sink.ts';
import { vaultSecretResolver } from '../../../../src/app/runs/vault-secret-resolver.ts';
import { createFlowkeepDatabase, type FlowkeepDatabase } from '../../../../src/db/index.ts';
import { runWorkflow } from '../../../../src/runtime/index.ts';
import { ANY_INPUT, edge, node } from '../../runtime/support/workflows.ts';

const opened: FlowkeepDatabase[] = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.close();
});

async function database(): Promise<FlowkeepDatabase> {
  const db = await createFlowkeepDatabase({
    userId: randomUUID(),
    storage: getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }) as RxStorage<
      unknown,
      unknown
    >,
    devMode: true,
    multiInstance: false,
    collections: ['executions'],
  });
  opened.push(db);
  return db;
}

describe('createRxExecutionSink', () => {
  it('inserts the row at the first write and updates it as the run progresses', async () => {
    const db = await database();
    const executions = db.collections.executions!;
    const tenantId = randomUUID();
    const userId = randomUUID();
    const workflowId = randomUUID();
    const executionId = randomUUID();
    const statuses: string[] = [];
    const sink = createRxExecutionSink(executions, { tenantId, userId });
    const used: unknown[] = [];
    const record = await runWorkflow({
      executionId,
      workflow: {
        id: workflowId,
        nodes: [
          node('t', 'trigger', ANY_INPUT),
          node('x', 'transform', { template: 'Hi {{input.name}}' }),
          node('o', 'output'),
        ],
        edges: [edge('t', 'payload', 'x', 'input'), edge('x', 'output', 'o', 'result')],
      },
      input: { name: 'Ada' },
      secrets: vaultSecretResolver(
        {
          readSecret: async (id, options) => {
            used.push({ id, options });
            return 'unused';
          },
        },
        workflowId,
      ),
      sink: {
        write: async (snapshot) => {
          await sink.write(snapshot);
          statuses.push((await executions.findOne(executionId).exec())!.status);
        },
      },
    });
    expect(statuses[0]).toBe('running');
    expect(statuses.at(-1)).toBe('succeeded');
    const row = (await executions.findOne(executionId).exec())!.toJSON();
    expect(row).toMatchObject({
      id: executionId,
      tenant_id: tenantId,
      created_by: userId,
      workflow_id: workflowId,
      status: 'succeeded',
      output: 'Hi Ada',
      error: null,
      server_txid: null,
    });
    expect(row.node_results).toEqual(record.node_results);
    expect(used).toEqual([]);
  });

  it('asks the vault for a secret as a use by the running workflow', async () => {
    const asked: unknown[] = [];
    const resolver = vaultSecretResolver(
      {
        readSecret: async (id, options) => {
          asked.push({ id, options });
          return 'value';
        },
      },
      'wf-9',
    );
    expect(await resolver.resolve('s-1', new AbortController().signal)).toBe('value');
    expect(asked).toEqual([{ id: 's-1', options: { purpose: 'use', workflowId: 'wf-9' } }]);
  });
});
