import { randomUUID } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createRxDatabase, type RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFlowkeepDatabase,
  databaseNameForUser,
  type FlowkeepDatabase,
} from '../../../src/db/index.ts';
import { newConnector } from '../../../src/model/connector.ts';
import { newSecret } from '../../../src/model/secret.ts';
import { newWorkflow, workflowSchema } from '../../../src/model/workflow.ts';

function freshStorage(): RxStorage<unknown, unknown> {
  return getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }) as RxStorage<
    unknown,
    unknown
  >;
}

const stamp = '2026-11-23T15:00:00.000000+00:00';
const stamps = { created_at: stamp, updated_at: stamp };
const base = (tenantId: string) => ({
  id: randomUUID(),
  tenant_id: tenantId,
  created_by: null,
  created_at: stamp,
  updated_at: stamp,
  server_txid: null,
});

describe('createFlowkeepDatabase', () => {
  const opened: FlowkeepDatabase[] = [];
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.close();
  });

  it('opens every collection with schema validation in development and stores each document type', async () => {
    const userId = randomUUID();
    const db = await createFlowkeepDatabase({
      userId,
      storage: freshStorage(),
      devMode: true,
      multiInstance: false,
    });
    opened.push(db);
    expect(db.name).toBe(databaseNameForUser(userId));
    expect(Object.keys(db.collections).sort()).toEqual([
      'connectors',
      'executions',
      'kb_documents',
      'knowledge_bases',
      'rejected_changes',
      'secrets',
      'tenants',
      'workflows',
    ]);
    const tenant = randomUUID();
    await db.workflows!.insert({
      ...base(tenant),
      name: 'W',
      description: '',
      nodes: [{ id: 'n', type: 'llm', position: { x: 1, y: 2 }, data: { prompt: 'p' } }],
      edges: [],
      viewport: null,
      settings: {},
      versions: [],
      conflicts: [],
      tags: ['a'],
    });
    await db.knowledge_bases!.insert({
      ...base(tenant),
      name: 'KB',
      description: '',
      embedding_model: null,
      chunk_size: 1000,
      chunk_overlap: 200,
      settings: {},
    });
    await db.kb_documents!.insert({
      ...base(tenant),
      knowledge_base_id: randomUUID(),
      name: 'doc.txt',
      mime_type: 'text/plain',
      content: 'hello',
      size_bytes: 5,
      status: 'ready',
      metadata: {},
    });
    await db.connectors!.insert(newConnector(tenant, { name: 'HTTP', ...stamps }));
    const encrypted = { ciphertext: 'AAAA', iv: 'AAAAAAAAAAAAAAAA', key_version: 1 };
    await db.secrets!.insert(
      newSecret(tenant, encrypted, { name: 'OPENAI', provider: 'openai', ...stamps }),
    );
    await db.executions!.insert({
      ...base(tenant),
      workflow_id: randomUUID(),
      status: 'succeeded',
      started_at: stamp,
      finished_at: stamp,
      duration_ms: 12,
      input: { q: 1 },
      output: null,
      node_results: [],
      error: null,
    });
    const byTenant = await db
      .workflows!.find({ selector: { tenant_id: tenant }, sort: [{ updated_at: 'desc' }] })
      .exec();
    expect(byTenant).toHaveLength(1);
  });

  it('refuses a document that does not match its schema in development builds', async () => {
    const db = await createFlowkeepDatabase({
      userId: randomUUID(),
      storage: freshStorage(),
      devMode: true,
      multiInstance: false,
      collections: ['knowledge_bases'],
    });
    opened.push(db);
    await expect(
      db.knowledge_bases!.insert({ ...base(randomUUID()), name: 'KB', chunk_size: 'big' } as never),
    ).rejects.toThrow();
    expect(await db.knowledge_bases!.count().exec()).toBe(0);
  });

  it('gives each user their own database and refuses a non-uuid user id with a clear error', () => {
    expect(databaseNameForUser('AAAA-bbbb')).not.toBe(databaseNameForUser('cccc-dddd'));
    expect(() => databaseNameForUser('')).toThrow(/expected a uuid/);
  });

  it('migrates workflows stored by schema version 0 (no conflicts or tags) to version 1', async () => {
    const userId = randomUUID();
    const storage = freshStorage();
    const v0 = {
      ...workflowSchema,
      version: 0,
      required: (workflowSchema.required as string[]).filter(
        (f) => f !== 'conflicts' && f !== 'tags',
      ),
    };
    // This file loads dev-mode (first test), which then requires a validating storage.
    const old = await createRxDatabase({
      name: databaseNameForUser(userId),
      storage: wrappedValidateAjvStorage({ storage }),
      multiInstance: false,
    });
    await old.addCollections({ workflows: { schema: v0 } });
    const id = randomUUID();
    // A v0 document: no `conflicts`, no `tags`.
    const {
      conflicts: _conflicts,
      tags: _tags,
      ...v0Document
    } = newWorkflow(randomUUID(), {
      id,
      name: 'Old',
      ...stamps,
    });
    await old.collections['workflows']!.insert(v0Document);
    await old.close();

    const db = await createFlowkeepDatabase({
      userId,
      storage,
      devMode: true,
      multiInstance: false,
      collections: ['workflows'],
    });
    opened.push(db);
    const migrated = (await db.workflows!.findOne(id).exec())!;
    expect(migrated.name).toBe('Old');
    expect(migrated.conflicts).toEqual([]);
    expect(migrated.tags).toEqual([]);
  });
});
