/**
 * The vault's store port over the app's RxDB `secrets` collection (Dexie on fake-indexeddb),
 * and which workflows use which secret.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowkeepDatabase } from '../../../src/db/index.ts';
import { newSecret, type SecretDoc } from '../../../src/model/secret.ts';
import { newWorkflow, type WorkflowDoc } from '../../../src/model/workflow.ts';
import {
  createRxSecretStore,
  createRxWorkflowUsage,
  secretUsageIn,
  type SecretUsage,
} from '../../../src/vault/app-bindings.ts';
import { openMemoryDatabase } from '../../support/memory-database.ts';

const stamp = '2026-11-23T15:00:00.000000+00:00';
const TENANT = randomUUID();

function secret(name: string, tenantId = TENANT): SecretDoc {
  const encrypted = { ciphertext: 'AAAA', iv: 'AAAAAAAAAAAAAAAA', key_version: 1 };
  const fields = { name, provider: 'openai', created_at: stamp, updated_at: stamp };
  return { ...newSecret(tenantId, encrypted, fields), _deleted: false };
}

function workflow(name: string, nodes: WorkflowDoc['nodes'], deleted = false): WorkflowDoc {
  const fields = { name, nodes, created_at: stamp, updated_at: stamp };
  return { ...newWorkflow(TENANT, fields), _deleted: deleted };
}

const node = (id: string, data: Record<string, string>) => ({
  id,
  type: 'llm',
  position: { x: 0, y: 0 },
  data,
});

describe('vault bindings over RxDB', () => {
  const opened: FlowkeepDatabase[] = [];
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.close();
  });

  async function open(): Promise<FlowkeepDatabase> {
    const db = await openMemoryDatabase({ collections: ['secrets', 'workflows'] });
    opened.push(db);
    return db;
  }

  it('saves, reads, lists by tenant, watches and deletes secrets in the local collection', async () => {
    const db = await open();
    const store = createRxSecretStore(db.secrets!);
    const seen: string[][] = [];
    const stop = store.watch(TENANT, (docs) => seen.push(docs.map((d) => d.name)));

    const slack = secret('Slack');
    const openai = secret('OpenAI');
    await store.save(slack);
    await store.save(openai);
    await store.save(secret('Elsewhere', randomUUID()));
    expect(await store.get(slack.id)).toEqual(slack);
    expect((await store.list(TENANT)).map((d) => d.name).sort()).toEqual(['OpenAI', 'Slack']);

    await store.save({ ...slack, ciphertext: 'BBBB', key_version: 2 });
    expect((await store.get(slack.id))?.key_version).toBe(2);

    await store.save({ ...openai, _deleted: true });
    expect(await store.get(openai.id)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(seen.at(-1)).toEqual(['Slack']);
    expect(seen).toContainEqual(['OpenAI', 'Slack']);
  });

  it('lists every live workflow node that uses a secret, live from the collection', async () => {
    const db = await open();
    const used = secret('OpenAI');
    const digest = workflow('Digest', [
      node('n1', { label: 'Summarize', secretId: used.id }),
      node('n2', { label: 'No secret' }),
    ]);
    const gone = workflow('Gone', [node('n3', { secretId: used.id })], true);
    expect(secretUsageIn([digest, gone])).toEqual([
      {
        secretId: used.id,
        workflowId: digest.id,
        workflowName: 'Digest',
        nodeId: 'n1',
        nodeLabel: 'Summarize',
      },
    ]);

    const { _deleted: _ignored, ...stored } = workflow('Alert', [
      node('a1', { secretId: used.id }),
    ]);
    let latest: SecretUsage[] = [];
    const stop = createRxWorkflowUsage(db.workflows!).watch(TENANT, (usage) => {
      latest = usage;
    });
    await db.workflows!.insert(stored);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(latest).toEqual([
      {
        secretId: used.id,
        workflowId: stored.id,
        workflowName: 'Alert',
        nodeId: 'a1',
        nodeLabel: 'llm',
      },
    ]);
  });
});
