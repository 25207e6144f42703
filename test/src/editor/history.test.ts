import { describe, expect, it } from 'vitest';
import { applyOperation, type Graph, type Operation } from '../../../src/editor/graph-ops.ts';
import {
  emptyHistory,
  recordOperation,
  redoStep,
  undoStep,
  type History,
} from '../../../src/editor/history.ts';
import { chain, node } from './fixtures.ts';

function doOp(
  state: { graph: Graph; history: History },
  op: Operation,
  coalesceKey?: string,
  at = 0,
) {
  return {
    history: recordOperation(state.history, state.graph, op, {
      label: 'edit',
      at,
      ...(coalesceKey ? { coalesceKey } : {}),
    }),
    graph: applyOperation(state.graph, op),
  };
}

function undo(state: { graph: Graph; history: History }) {
  const step = undoStep(state.history, state.graph)!;
  return { history: step.history, graph: applyOperation(state.graph, step.operation) };
}

function redo(state: { graph: Graph; history: History }) {
  const step = redoStep(state.history, state.graph)!;
  return { history: step.history, graph: applyOperation(state.graph, step.operation) };
}

describe('history', () => {
  it('undoes and redoes an added node', () => {
    let s = { graph: chain() as Graph, history: emptyHistory() };
    s = doOp(s, [{ kind: 'add-node', node: node('h', 'http') }]);
    expect(s.graph.nodes).toHaveLength(4);
    s = undo(s);
    expect(s.graph.nodes).toHaveLength(3);
    s = redo(s);
    expect(s.graph.nodes.map((n) => n.id)).toContain('h');
    expect(undoStep(s.history, s.graph)).not.toBeNull();
    expect(redoStep(s.history, s.graph)).toBeNull();
  });

  it('undo after a remote change reverts only the user own operation', () => {
    let s = { graph: chain() as Graph, history: emptyHistory() };
    s = doOp(s, [{ kind: 'update-node', id: 't', patch: { position: { x: 100, y: 100 } } }]);
    // Another device edits node l and adds a node; it arrives before the user presses undo.
    s = {
      ...s,
      graph: applyOperation(s.graph, [
        { kind: 'update-node', id: 'l', patch: { data: { model: 'remote-model' } } },
        { kind: 'add-node', node: node('r', 'output') },
      ]),
    };
    s = undo(s);
    expect(s.graph.nodes.find((n) => n.id === 't')!.position).toEqual({ x: 0, y: 0 });
    expect(s.graph.nodes.find((n) => n.id === 'l')!.data['model']).toBe('remote-model');
    expect(s.graph.nodes.map((n) => n.id)).toContain('r');
    s = redo(s);
    expect(s.graph.nodes.find((n) => n.id === 't')!.position).toEqual({ x: 100, y: 100 });
    expect(s.graph.nodes.find((n) => n.id === 'l')!.data['model']).toBe('remote-model');
  });

  it('undo of an edit to a node someone else deleted does nothing and does not throw', () => {
    let s = { graph: chain() as Graph, history: emptyHistory() };
    s = doOp(s, [{ kind: 'update-node', id: 'l', patch: { data: { model: 'x' } } }]);
    s = { ...s, graph: applyOperation(s.graph, [{ kind: 'remove-node', id: 'l' }]) };
    s = undo(s);
    expect(s.graph.nodes.map((n) => n.id)).toEqual(['t', 'o']);
  });

  it('typing in one field within the window is one undo step; a pause starts another', () => {
    let s = { graph: chain() as Graph, history: emptyHistory() };
    for (const [i, text] of ['g', 'gp', 'gpt'].entries()) {
      s = doOp(
        s,
        [{ kind: 'update-node', id: 'l', patch: { data: { model: text } } }],
        'l:model',
        i * 100,
      );
    }
    s = doOp(
      s,
      [{ kind: 'update-node', id: 'l', patch: { data: { model: 'gpt!' } } }],
      'l:model',
      10_000,
    );
    expect(s.history.past).toHaveLength(2);
    s = undo(s);
    expect(s.graph.nodes[1]!.data['model']).toBe('gpt');
    s = undo(s);
    expect(s.graph.nodes[1]!.data['model']).toBe('gpt-4o-mini');
  });

  it('a new operation clears redo, and a no-op records nothing', () => {
    let s = { graph: chain() as Graph, history: emptyHistory() };
    s = doOp(s, [{ kind: 'add-node', node: node('a', 'output') }]);
    s = undo(s);
    s = doOp(s, [{ kind: 'add-node', node: node('b', 'output') }]);
    expect(s.history.future).toHaveLength(0);
    const same = recordOperation(s.history, s.graph, [{ kind: 'remove-node', id: 'nope' }], {
      label: 'x',
    });
    expect(same).toBe(s.history);
  });
});
