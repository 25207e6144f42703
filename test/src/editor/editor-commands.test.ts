import { describe, expect, it } from 'vitest';
import { copySelection } from '../../../src/editor/clipboard.ts';
import { createEditorCommands } from '../../../src/editor/editor-commands.ts';
import { createEditorSession } from '../../../src/editor/editor-session.ts';
import {
  createMemoryWorkflowSource,
  emptyWorkflowDoc,
} from '../../support/memory-workflow-source.ts';
import { chain, counterIds } from './fixtures.ts';

function setUp(readOnly = false) {
  const source = createMemoryWorkflowSource(emptyWorkflowDoc({ ...chain(), name: 'Flow' }));
  const session = createEditorSession(source);
  const selected: (ReadonlySet<string> | null)[] = [];
  const commands = createEditorCommands(session, {
    isReadOnly: () => readOnly,
    requestSelection: (ids) => selected.push(ids),
    newId: counterIds('new'),
  });
  return { source, session, commands, selected };
}

describe('editor commands (no React, no DOM)', () => {
  it('add a node, select it and save it, as one undoable step', async () => {
    const { source, session, commands, selected } = setUp();
    expect(commands.addNode('output', { x: 10, y: 20 })).toBe('Added Output.');
    expect(selected).toEqual([new Set(['new-1'])]);
    await session.flush();
    expect(source.current()!.nodes.map((n) => n.id)).toContain('new-1');
    expect(commands.undo()).toBe('Undid: Add Output.');
    expect(session.getState().graph.nodes.map((n) => n.id)).not.toContain('new-1');
  });

  it('refuse a connection the graph does not allow, and say why', () => {
    const { session, commands } = setUp();
    const before = session.getState().graph;
    expect(commands.connect({ source: 'o', target: 'o' })).toBe(
      'Cannot connect: A node cannot connect to itself.',
    );
    expect(session.getState().graph).toBe(before);
  });

  it('delete, duplicate and paste report what they did', () => {
    const { session, commands } = setUp();
    const text = copySelection(session.getState().graph, new Set(['t', 'l']))!;
    expect(commands.duplicate(new Set(['o']))).toBe('Duplicated 1 node.');
    expect(commands.paste(text)).toBe('Pasted 2 nodes.');
    expect(commands.paste('not nodes')).toBe('The clipboard does not hold Flowkeep nodes.');
    expect(commands.deleteElements(new Set(['t']), new Set())).toBe('Deleted 1 node.');
    expect(session.getState().graph.nodes).toHaveLength(5);
  });

  it('change nothing for a viewer', () => {
    const { session, commands } = setUp(true);
    const before = session.getState().graph;
    expect(commands.addNode('output', { x: 0, y: 0 })).toBeNull();
    expect(commands.deleteElements(new Set(['t']), new Set())).toBeNull();
    expect(commands.undo()).toBeNull();
    expect(session.getState().graph).toBe(before);
  });
});
