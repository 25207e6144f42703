import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowkeepDatabase } from '../../../src/db/index.ts';
import { newConnector } from '../../../src/model/connector.ts';
import { newExecution } from '../../../src/model/execution.ts';
import { newKbDocument } from '../../../src/model/kb-document.ts';
import { newKnowledgeBase } from '../../../src/model/knowledge-base.ts';
import {
  assignableRoles,
  hasCapability,
  READ_CAPABILITY,
  TENANT_ROLES,
} from '../../../src/model/roles.ts';
import { newSecret } from '../../../src/model/secret.ts';
import { newWorkflow } from '../../../src/model/workflow.ts';
import { openMemoryDatabase } from '../../support/memory-database.ts';

describe('record factories', () => {
  let db: FlowkeepDatabase | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  it('make documents their schema accepts, with the table defaults', async () => {
    db = await openMemoryDatabase();
    const tenant = randomUUID();
    const workflow = newWorkflow(tenant, { name: 'W' });
    const knowledgeBase = newKnowledgeBase(tenant);
    await db.workflows!.insert(workflow);
    await db.knowledge_bases!.insert(knowledgeBase);
    await db.kb_documents!.insert(newKbDocument(tenant, knowledgeBase.id));
    await db.connectors!.insert(newConnector(tenant));
    await db.secrets!.insert(newSecret(tenant, { ciphertext: 'c', iv: 'i', key_version: 1 }));
    await db.executions!.insert(newExecution(tenant, workflow.id));

    const stored = (await db.workflows!.findOne(workflow.id).exec())!.toJSON();
    expect(stored).toMatchObject({ tenant_id: tenant, name: 'W', server_txid: null });
    expect(stored.conflicts).toEqual([]);
    expect((await db.connectors!.find().exec())[0]!.timeout_ms).toBe(30_000);
    expect((await db.kb_documents!.find().exec())[0]!.status).toBe('pending');
  });

  it('give every record its own id', () => {
    expect(newWorkflow('t').id).not.toBe(newWorkflow('t').id);
  });
});

describe('the capability table', () => {
  it('lets viewers read but not use secrets, as private.read_role_for on the server', () => {
    expect(hasCapability('viewer', READ_CAPABILITY.workflows)).toBe(true);
    expect(hasCapability('viewer', READ_CAPABILITY.secrets)).toBe(false);
    expect(hasCapability('member', READ_CAPABILITY.secrets)).toBe(true);
    expect(hasCapability(null, 'read')).toBe(false);
  });

  it('is ordered: every capability of a role belongs to the roles above it', () => {
    const capabilities = ['read', 'edit-workflows', 'use-secrets', 'manage-secrets'] as const;
    for (const capability of capabilities) {
      const holders = TENANT_ROLES.filter((role) => hasCapability(role, capability));
      expect(holders).toEqual(TENANT_ROLES.slice(TENANT_ROLES.length - holders.length));
    }
    expect(assignableRoles('member')).toEqual(['viewer', 'member']);
  });
});
