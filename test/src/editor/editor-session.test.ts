import { describe, expect, it } from 'vitest';
import type { WorkflowDoc } from '../../../src/model/workflow.ts';
import { createEditorSession } from '../../../src/editor/editor-session.ts';
import { applyOperation } from '../../../src/editor/graph-ops.ts';
import type { WorkflowSource } from '../../../src/editor/workflow-source.ts';
import {
  createMemoryWorkflowSource,
  emptyWorkflowDoc,
} from '../../support/memory-workflow-source.ts';
import { chain, counterIds, node } from './fixtures.ts';

const doc = (): WorkflowDoc => emptyWorkflowDoc({ ...chain(), name: 'Flow' });
const byId = (d: WorkflowDoc | null, id: string) => d!.nodes.find((n) => n.id === id);

describe('editor session', () => {
  it('saves every operation at once through the source', async () => {
    const source = createMemoryWorkflowSource(doc());
    const session = createEditorSession(source);
    session.commit([{ kind: 'update-node', id: 'l', patch: { data: { model: 'm1' } } }], {
      label: 'Edit model',
    });
    expect(session.getState().graph.nodes[1]!.data['model']).toBe('m1');
    await session.flush();
    expect(byId(source.current(), 'l')!.data['model']).toBe('m1');
    expect(session.getState().saveStatus).toBe('saved');
  });

  it('keeps a remote change that lands while a save is in flight, and the edits made meanwhile', async () => {
    const source = createMemoryWorkflowSource(doc(), { saveDelayMs: 20 });
    const session = createEditorSession(source);
    session.commit([{ kind: 'update-node', id: 't', patch: { position: { x: 50, y: 50 } } }], {
      label: 'Move',
    });
    source.applyRemote({
      nodes: applyOperation(source.current()!, [
        { kind: 'update-node', id: 'o', patch: { data: { format: 'json' } } },
      ]).nodes,
    });
    session.commit([{ kind: 'update-node', id: 'l', patch: { data: { model: 'm2' } } }], {
      label: 'Edit',
    });
    // On screen right away: both local edits and the remote one.
    expect(session.getState().graph.nodes.find((n) => n.id === 'o')!.data['format']).toBe('json');
    await session.flush();
    const stored = source.current();
    expect(byId(stored, 't')!.position).toEqual({ x: 50, y: 50 });
    expect(byId(stored, 'o')!.data['format']).toBe('json');
    expect(byId(stored, 'l')!.data['model']).toBe('m2');
  });

  it('undo after a remote change arrived reverts only the user own edit, and saves it', async () => {
    const source = createMemoryWorkflowSource(doc());
    const session = createEditorSession(source);
    session.commit([{ kind: 'add-node', node: node('mine', 'http') }], {
      label: 'Add HTTP request',
    });
    await session.flush();
    source.applyRemote({
      nodes: applyOperation(source.current()!, [
        { kind: 'add-node', node: node('theirs', 'output') },
        { kind: 'update-node', id: 'l', patch: { data: { model: 'their-model' } } },
      ]).nodes,
    });
    expect(session.undo()).toBe('Add HTTP request');
    await session.flush();
    const ids = source.current()!.nodes.map((n) => n.id);
    expect(ids).toContain('theirs');
    expect(ids).not.toContain('mine');
    expect(byId(source.current(), 'l')!.data['model']).toBe('their-model');
    expect(session.redo()).toBe('Add HTTP request');
    await session.flush();
    expect(source.current()!.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(['mine', 'theirs']),
    );
  });

  it('works with a source that only has save (no modify), rebasing on the current document', async () => {
    const memory = createMemoryWorkflowSource(doc());
    const source: WorkflowSource = {
      current: () => memory.current(),
      subscribe: (l) => memory.subscribe(l),
      save: (c) => memory.save(c),
    };
    const session = createEditorSession(source);
    session.commit([{ kind: 'remove-node', id: 'o' }], { label: 'Delete' });
    await session.flush();
    expect(memory.current()!.nodes.map((n) => n.id)).toEqual(['t', 'l']);
    expect(memory.current()!.edges.map((e) => e.id)).toEqual(['e1']);
  });

  it('a failed save keeps the edit on screen, reports why, and retries until it is stored', async () => {
    const memory = createMemoryWorkflowSource(doc());
    let failures = 1;
    const source: WorkflowSource = {
      current: () => memory.current(),
      subscribe: (l) => memory.subscribe(l),
      save: async (c) => {
        if (failures-- > 0) throw new Error('disk full');
        await memory.save(c);
      },
    };
    const session = createEditorSession(source, { retryMs: 10 });
    session.commit([{ kind: 'update-node', id: 'l', patch: { data: { model: 'keep-me' } } }], {
      label: 'Edit',
    });
    await session.flush();
    expect(session.getState().saveStatus).toBe('error');
    expect(session.getState().saveError).toMatch(/Could not save: disk full\. Your edits are kept/);
    expect(session.getState().graph.nodes[1]!.data['model']).toBe('keep-me');
    await new Promise((r) => setTimeout(r, 30));
    await session.flush();
    expect(byId(memory.current(), 'l')!.data['model']).toBe('keep-me');
    expect(session.getState().saveStatus).toBe('saved');
  });

  it('creates named versions, refuses a bad name, restores one as an undoable step and deletes one', async () => {
    const source = createMemoryWorkflowSource(doc());
    const session = createEditorSession(source, { newId: counterIds('v'), userId: 'u1' });
    expect(session.saveVersion('  ')).toEqual({
      ok: false,
      error: expect.stringMatching(/Give the version a name/),
    });
    expect(session.saveVersion('First')).toEqual({ ok: true, name: 'First' });
    expect(session.saveVersion('First')).toMatchObject({ ok: false });
    await session.flush();
    expect(source.current()!.versions).toMatchObject([
      { id: 'v-1', name: 'First', created_by: 'u1' },
    ]);
    session.commit([{ kind: 'remove-node', id: 'l' }], { label: 'Delete' });
    expect(session.restoreVersion('v-1')).toBe(true);
    await session.flush();
    expect(
      source
        .current()!
        .nodes.map((n) => n.id)
        .sort(),
    ).toEqual(['l', 'o', 't']);
    expect(source.current()!.edges).toHaveLength(2);
    expect(session.undo()).toBe('Restore "First"');
    await session.flush();
    expect(source.current()!.nodes.map((n) => n.id)).not.toContain('l');
    session.deleteVersion('v-1');
    await session.flush();
    expect(source.current()!.versions).toEqual([]);
  });

  it('a version created on another device syncs in and is not lost by a local version save', async () => {
    const source = createMemoryWorkflowSource(doc(), { saveDelayMs: 10 });
    const session = createEditorSession(source, { newId: counterIds('local') });
    session.saveVersion('Mine');
    source.applyRemote({
      versions: [
        {
          id: 'remote-1',
          name: 'Theirs',
          created_at: new Date().toISOString(),
          created_by: null,
          nodes: [],
          edges: [],
        },
      ],
    });
    await session.flush();
    expect(
      source
        .current()!
        .versions.map((v) => v.name)
        .sort(),
    ).toEqual(['Mine', 'Theirs']);
    expect(
      session
        .getState()
        .versions.map((v) => v.name)
        .sort(),
    ).toEqual(['Mine', 'Theirs']);
  });

  it('renames and saves the viewport', async () => {
    const source = createMemoryWorkflowSource(doc());
    const session = createEditorSession(source);
    session.rename('Renamed');
    session.saveViewport({ x: 1, y: 2, zoom: 0.5 });
    await session.flush();
    await session.flush();
    expect(source.current()!.name).toBe('Renamed');
    expect(source.current()!.viewport).toEqual({ x: 1, y: 2, zoom: 0.5 });
  });
});
