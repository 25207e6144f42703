import { describe, expect, it } from 'vitest';
import { createConflictHandler, isRefusalRevert } from '../../sync/conflict-handler.ts';
import type { KnowledgeBaseDoc } from '../../src/model/knowledge-base.ts';
import type { WorkflowDoc } from '../../src/model/workflow.ts';

const kb: KnowledgeBaseDoc = {
  id: 'k',
  tenant_id: 't',
  created_by: null,
  created_at: 'c',
  updated_at: 'u1',
  server_txid: '10',
  _deleted: false,
  name: 'KB',
  description: '',
  embedding_model: null,
  chunk_size: 1000,
  chunk_overlap: 200,
  settings: {},
};

describe('createConflictHandler', () => {
  it('reverts to the server version when the push handler reports a refusal (same server version)', async () => {
    const handler = createConflictHandler<KnowledgeBaseDoc>('knowledge_bases');
    const resolved = await handler.resolve(
      { assumedMasterState: kb, realMasterState: kb, newDocumentState: { ...kb, name: 'Refused' } },
      'test',
    );
    expect(resolved).toEqual(kb);
  });

  it('removes a refused insert: the handler hands back a tombstone without a server version', async () => {
    const handler = createConflictHandler<KnowledgeBaseDoc>('knowledge_bases');
    const local = { ...kb, server_txid: null };
    const tombstone = { ...local, _deleted: true };
    expect(isRefusalRevert(undefined, tombstone)).toBe(true);
    expect(
      await handler.resolve({ realMasterState: tombstone, newDocumentState: local }, 'test'),
    ).toEqual(tombstone);
  });

  it('merges a real conflict field by field', async () => {
    const handler = createConflictHandler<KnowledgeBaseDoc>('knowledge_bases');
    const resolved = await handler.resolve(
      {
        assumedMasterState: kb,
        realMasterState: { ...kb, chunk_size: 500, server_txid: '12', updated_at: 'u2' },
        newDocumentState: { ...kb, name: 'Mine' },
      },
      'test',
    );
    expect(resolved).toEqual({
      ...kb,
      name: 'Mine',
      chunk_size: 500,
      server_txid: '12',
      updated_at: 'u2',
    });
  });

  it('merges workflows node by node and stamps lost values with the time', async () => {
    const handler = createConflictHandler<WorkflowDoc>('workflows', () => 'T');
    const base = {
      ...kb,
      name: 'W',
      nodes: [{ id: 'a', type: 'x', position: { x: 0, y: 0 }, data: { v: 1 } }],
      edges: [],
      viewport: null,
      versions: [],
      conflicts: [],
      tags: [],
    } as unknown as WorkflowDoc;
    const ours = { ...base, nodes: [{ ...base.nodes[0]!, data: { v: 2 } }] };
    const theirs = { ...base, server_txid: '11', nodes: [{ ...base.nodes[0]!, data: { v: 3 } }] };
    const resolved = await handler.resolve(
      { assumedMasterState: base, realMasterState: theirs, newDocumentState: ours },
      'test',
    );
    expect(resolved.nodes[0]!.data).toEqual({ v: 3 });
    expect(resolved.conflicts).toEqual([{ path: 'nodes/a/data/v', value: 2, winner: 3, at: 'T' }]);
  });

  it('compares documents as data, ignoring key order and RxDB bookkeeping', () => {
    const handler = createConflictHandler<KnowledgeBaseDoc>('knowledge_bases');
    const withMeta = { ...kb, _meta: { lwt: 1 }, _rev: '1-x' } as unknown as KnowledgeBaseDoc;
    const reordered = Object.fromEntries(
      Object.entries(kb).reverse(),
    ) as unknown as KnowledgeBaseDoc;
    expect(handler.isEqual(withMeta, reordered, 'test')).toBe(true);
    expect(handler.isEqual(kb, { ...kb, name: 'other' }, 'test')).toBe(false);
  });
});
