// @vitest-environment jsdom
import './flow-test-env.ts';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import WorkflowEditor from '../../../src/editor/WorkflowEditor.tsx';
import { applyOperation } from '../../../src/editor/graph-ops.ts';
import {
  createMemoryWorkflowSource,
  emptyWorkflowDoc,
  type MemoryWorkflowSource,
} from '../../support/memory-workflow-source.ts';
import { chain, node } from './fixtures.ts';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

async function openEditor(source: MemoryWorkflowSource, props: { readOnly?: boolean } = {}) {
  render(
    <div style={{ width: '1200px', height: '800px' }}>
      <WorkflowEditor
        source={source}
        secrets={[{ id: 's1', name: 'OpenAI key', provider: 'openai' }]}
        {...props}
      />
    </div>,
  );
  await screen.findByRole('toolbar', { name: 'Workflow editor' });
}

// A stored viewport: jsdom has no layout, so fitting the view would zoom onto one corner.
const chainSource = () =>
  createMemoryWorkflowSource(
    emptyWorkflowDoc({ ...chain(), name: 'Flow', viewport: { x: 0, y: 0, zoom: 1 } }),
  );
const nodeElement = (id: string) =>
  document.querySelector<HTMLElement>(`.react-flow__node[data-id="${id}"]`)!;
const stored = (source: MemoryWorkflowSource) => source.current()!;

async function selectNode(id: string) {
  await waitFor(() => expect(nodeElement(id)).not.toBeNull());
  fireEvent.click(nodeElement(id));
}

const modelInput = () => screen.getByLabelText('Model') as HTMLInputElement;
const press = (key: string, init: KeyboardEventInit = {}) =>
  fireEvent.keyDown(document.body, { key, ...init });

/** A clipboard event whose data can be read back, as a browser would give it. */
function clipboardEvent(initial = '') {
  let text = initial;
  return {
    clipboardData: {
      setData: (_type: string, value: string) => {
        text = value;
      },
      getData: () => text,
    },
    read: () => text,
  };
}

async function importText(text: string | Blob, name = 'flow.json') {
  const file = new File([text], name, { type: 'application/json' });
  fireEvent.change(screen.getByLabelText('Workflow file to import'), { target: { files: [file] } });
}

describe('WorkflowEditor', () => {
  it('shows the nodes of the workflow and selecting one opens its properties', async () => {
    const source = chainSource();
    await openEditor(source);
    await selectNode('l');
    expect(await screen.findByRole('heading', { name: 'LLM prompt properties' })).toBeTruthy();
    expect(modelInput().value).toBe('gpt-4o-mini');
  });

  it('adds a node from the palette and saves it at once', async () => {
    const source = chainSource();
    await openEditor(source);
    fireEvent.click(screen.getByRole('button', { name: 'Add HTTP request' }));
    await waitFor(() => expect(stored(source).nodes.map((n) => n.type)).toContain('http'));
    // The new node is selected, so its properties are open.
    expect(await screen.findByRole('heading', { name: 'HTTP request properties' })).toBeTruthy();
  });

  it('validates fields as the user types, flags the node on the canvas and saves every change', async () => {
    const source = chainSource();
    await openEditor(source);
    await selectNode('l');
    fireEvent.change(modelInput(), { target: { value: '' } });
    expect(modelInput().getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Model is required.')).toBeTruthy();
    expect(nodeElement('l').getAttribute('aria-label')).toMatch(/1 problem/);
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'l')!.data['model']).toBe(''),
    );
    fireEvent.change(screen.getByLabelText('Temperature'), { target: { value: '5' } });
    expect(screen.getByText('Temperature must be at most 2.')).toBeTruthy();
    fireEvent.change(modelInput(), { target: { value: 'gpt-4.1' } });
    expect(modelInput().getAttribute('aria-invalid')).toBe('false');
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'l')!.data['model']).toBe('gpt-4.1'),
    );
  });

  it('picks a secret by reference: the list shows names, the node stores the id', async () => {
    const source = chainSource();
    await openEditor(source);
    await selectNode('l');
    const picker = screen.getByLabelText('API key (secret)') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual([
      'No secret',
      'OpenAI key (openai)',
    ]);
    fireEvent.change(picker, { target: { value: '' } });
    expect(screen.getByText('API key (secret) is required.')).toBeTruthy();
    fireEvent.change(picker, { target: { value: 's1' } });
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'l')!.data['secretId']).toBe('s1'),
    );
  });

  it('undo after a remote change reverts only the user edit (Ctrl+Z), redo with Ctrl+Shift+Z and Ctrl+Y', async () => {
    const source = chainSource();
    await openEditor(source);
    await selectNode('l');
    fireEvent.change(modelInput(), { target: { value: 'mine' } });
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'l')!.data['model']).toBe('mine'),
    );
    act(() => {
      source.applyRemote({
        nodes: applyOperation(stored(source), [
          {
            kind: 'update-node',
            id: 'l',
            patch: { data: { systemPrompt: 'from another device' } },
          },
          { kind: 'add-node', node: node('remote', 'output', {}, 900, 0) },
        ]).nodes,
      });
    });
    press('z', { ctrlKey: true });
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'l')!.data['model']).toBe('gpt-4o-mini'),
    );
    const l = stored(source).nodes.find((n) => n.id === 'l')!;
    expect(l.data['systemPrompt']).toBe('from another device');
    expect(stored(source).nodes.map((n) => n.id)).toContain('remote');
    expect(modelInput().value).toBe('gpt-4o-mini');
    press('z', { ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(modelInput().value).toBe('mine'));
    press('z', { ctrlKey: true });
    await waitFor(() => expect(modelInput().value).toBe('gpt-4o-mini'));
    press('y', { ctrlKey: true });
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'l')!.data['model']).toBe('mine'),
    );
  });

  it('select all, delete with the Delete key, then undo brings nodes and connections back', async () => {
    const source = chainSource();
    await openEditor(source);
    await waitFor(() => expect(nodeElement('t')).not.toBeNull());
    press('a', { ctrlKey: true });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Delete selection' }).hasAttribute('disabled'),
      ).toBe(false),
    );
    press('Delete');
    await waitFor(() => expect(stored(source).nodes).toEqual([]));
    expect(stored(source).edges).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(stored(source).nodes).toHaveLength(3));
    expect(stored(source).edges).toHaveLength(2);
  });

  it('Backspace deletes the selected node but not while typing in a field', async () => {
    const source = chainSource();
    await openEditor(source);
    await selectNode('o');
    await screen.findByRole('heading', { name: 'Output properties' });
    fireEvent.keyDown(screen.getByLabelText('Label'), { key: 'Backspace' });
    expect(stored(source).nodes).toHaveLength(3);
    press('Backspace');
    await waitFor(() => expect(stored(source).nodes.map((n) => n.id)).toEqual(['t', 'l']));
  });

  it('duplicates the selection with Ctrl+D: new ids, inner connections copied', async () => {
    const source = chainSource();
    await openEditor(source);
    press('a', { ctrlKey: true });
    press('d', { ctrlKey: true });
    await waitFor(() => expect(stored(source).nodes).toHaveLength(6));
    expect(stored(source).edges).toHaveLength(4);
    expect(new Set(stored(source).nodes.map((n) => n.id)).size).toBe(6);
  });

  it('copies as JSON to the clipboard and pastes into another workflow with fresh ids', async () => {
    const first = chainSource();
    await openEditor(first);
    press('a', { ctrlKey: true });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Copy selection' }).hasAttribute('disabled')).toBe(
        false,
      ),
    );
    const copy = clipboardEvent();
    fireEvent.copy(document.body, { clipboardData: copy.clipboardData });
    expect(JSON.parse(copy.read())).toMatchObject({ format: 'flowkeep.clipboard', version: 1 });
    cleanup();

    const second = createMemoryWorkflowSource(emptyWorkflowDoc({ nodes: [node('x', 'output')] }));
    await openEditor(second);
    fireEvent.paste(document.body, { clipboardData: clipboardEvent(copy.read()).clipboardData });
    await waitFor(() => expect(stored(second).nodes).toHaveLength(4));
    const pastedIds = stored(second)
      .nodes.map((n) => n.id)
      .filter((id) => id !== 'x');
    expect(pastedIds.some((id) => ['t', 'l', 'o'].includes(id))).toBe(false);
    expect(
      stored(second).edges.every(
        (e) => pastedIds.includes(e.source) && pastedIds.includes(e.target),
      ),
    ).toBe(true);
    expect(stored(second).edges).toHaveLength(2);
  });

  it('pasting text that is not Flowkeep nodes changes nothing and says why', async () => {
    const source = chainSource();
    await openEditor(source);
    fireEvent.paste(document.body, { clipboardData: clipboardEvent('{"hello": 1}').clipboardData });
    expect(await screen.findByText('The clipboard does not hold Flowkeep nodes.')).toBeTruthy();
    expect(source.saves).toHaveLength(0);
  });

  it.each([
    ['not JSON', 'nodes: [', /This file is not JSON/],
    [
      'a newer version',
      JSON.stringify({ format: 'flowkeep.workflow', version: 2, name: 'x', nodes: [], edges: [] }),
      /format version 2, made by a newer Flowkeep/,
    ],
    [
      'an unknown node type',
      JSON.stringify({
        format: 'flowkeep.workflow',
        version: 1,
        name: 'x',
        nodes: [{ id: 'a', type: 'warp', position: { x: 0, y: 0 }, data: {} }],
        edges: [],
      }),
      /nodes\[0\]\.type: unknown node type "warp"/,
    ],
    [
      'a dangling edge',
      JSON.stringify({
        format: 'flowkeep.workflow',
        version: 1,
        name: 'x',
        nodes: [{ id: 'a', type: 'output', position: { x: 0, y: 0 }, data: {} }],
        edges: [{ id: 'e', source: 'a', target: 'ghost' }],
      }),
      /edges\[0\]\.source|edges\[0\]\.target: node "ghost" is not in the file/,
    ],
  ])(
    'refuses an import with %s, names the problem and changes nothing',
    async (_what, text, message) => {
      const source = chainSource();
      await openEditor(source);
      await importText(text);
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toMatch(message);
      expect(alert.textContent).toMatch(/Nothing was imported/);
      expect(source.saves).toHaveLength(0);
      expect(stored(source).nodes.map((n) => n.id)).toEqual(['t', 'l', 'o']);
    },
  );

  it('refuses a 50 MB import file without reading it', async () => {
    const source = chainSource();
    await openEditor(source);
    const file = new File(['x'], 'huge.json');
    Object.defineProperty(file, 'size', { value: 50 * 1024 * 1024 });
    fireEvent.change(screen.getByLabelText('Workflow file to import'), {
      target: { files: [file] },
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /The file is 50\.0 MB; a workflow file can be at most 10\.0 MB/,
    );
    expect(source.saves).toHaveLength(0);
  });

  it('exports a versioned file and imports one as a single undoable step', async () => {
    const source = chainSource();
    await openEditor(source);
    let exported: Blob | null = null;
    URL.createObjectURL = (blob: Blob) => {
      exported = blob;
      return 'blob:flowkeep';
    };
    URL.revokeObjectURL = () => {};
    let downloadName = '';
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloadName = this.download;
    };
    fireEvent.click(screen.getByRole('button', { name: 'Export workflow file' }));
    HTMLAnchorElement.prototype.click = click;
    expect(downloadName).toBe('flow.flowkeep.json');
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(exported as unknown as Blob);
    });
    const file = JSON.parse(text) as { format: string; version: number; nodes: unknown[] };
    expect(file).toMatchObject({ format: 'flowkeep.workflow', version: 1, name: 'Flow' });
    expect(file.nodes).toHaveLength(3);

    const other = {
      ...file,
      nodes: [{ id: 'solo', type: 'output', position: { x: 0, y: 0 }, data: {} }],
      edges: [],
    };
    await importText(JSON.stringify(other));
    await waitFor(() => expect(stored(source).nodes.map((n) => n.id)).toEqual(['solo']));
    press('z', { ctrlKey: true });
    await waitFor(() =>
      expect(
        stored(source)
          .nodes.map((n) => n.id)
          .sort(),
      ).toEqual(['l', 'o', 't']),
    );
    expect(stored(source).edges).toHaveLength(2);
  });

  it('saves a named version, and restores it after later edits', async () => {
    const source = chainSource();
    await openEditor(source);
    fireEvent.click(screen.getByRole('button', { name: 'Versions' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save version' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Give the version a name/);
    fireEvent.change(screen.getByLabelText('Version name'), { target: { value: 'Working draft' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save version' }));
    await waitFor(() =>
      expect(stored(source).versions.map((v) => v.name)).toEqual(['Working draft']),
    );
    expect(
      within(screen.getByRole('list', { name: 'Saved versions' })).getByText('Working draft'),
    ).toBeTruthy();

    press('a', { ctrlKey: true });
    press('Delete');
    await waitFor(() => expect(stored(source).nodes).toHaveLength(0));
    fireEvent.click(screen.getByRole('button', { name: 'Restore version Working draft' }));
    await waitFor(() => expect(stored(source).nodes).toHaveLength(3));
    expect(stored(source).edges).toHaveLength(2);
  });

  it('an empty workflow offers templates', async () => {
    const source = createMemoryWorkflowSource(emptyWorkflowDoc());
    await openEditor(source);
    fireEvent.click(screen.getByRole('button', { name: 'Use template Summarize a web page' }));
    await waitFor(() =>
      expect(stored(source).nodes.map((n) => n.type)).toEqual(['trigger', 'http', 'llm', 'output']),
    );
    expect(screen.queryByRole('region', { name: 'Start from a template' })).toBeNull();
  });

  it('is read-only for viewers: explains why, no palette, no editing', async () => {
    const source = chainSource();
    await openEditor(source, { readOnly: true });
    expect(screen.getByRole('note').textContent).toMatch(
      /your role in this organization is viewer/,
    );
    expect(screen.queryByRole('navigation', { name: 'Node palette' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Import workflow file' })).toBeNull();
    await selectNode('l');
    expect(modelInput().readOnly).toBe(true);
    press('Delete');
    press('d', { ctrlKey: true });
    fireEvent.paste(document.body, {
      clipboardData: clipboardEvent(
        JSON.stringify({ format: 'flowkeep.clipboard', version: 1, nodes: [], edges: [] }),
      ).clipboardData,
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(source.saves).toHaveLength(0);
    expect(nodeElement('l').classList.contains('draggable')).toBe(false);
    expect(screen.getByRole('button', { name: 'Export workflow file' })).toBeTruthy();
  });

  it('shows a remote change from another device without losing the selection', async () => {
    const source = chainSource();
    await openEditor(source);
    await selectNode('l');
    act(() => {
      source.applyRemote({
        nodes: applyOperation(stored(source), [
          { kind: 'update-node', id: 'l', patch: { data: { model: 'remote-model' } } },
        ]).nodes,
      });
    });
    await waitFor(() => expect(modelInput().value).toBe('remote-model'));
  });

  it('lists edits that lost a sync conflict and restores one as an undoable step', async () => {
    const source = createMemoryWorkflowSource(
      emptyWorkflowDoc({
        ...chain(),
        viewport: { x: 0, y: 0, zoom: 1 },
        conflicts: [
          {
            path: 'nodes/l/data/model',
            value: 'my-model',
            winner: 'gpt-4o-mini',
            at: new Date().toISOString(),
          },
        ],
      }),
    );
    await openEditor(source);
    fireEvent.click(screen.getByRole('button', { name: 'Lost edits' }));
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Restore: LLM prompt · Model: "my-model" lost to "gpt-4o-mini"',
      }),
    );
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'l')!.data['model']).toBe('my-model'),
    );
    expect(screen.getByText(/in use/)).toBeTruthy();
    press('z', { ctrlKey: true });
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'l')!.data['model']).toBe('gpt-4o-mini'),
    );
  });

  it('condition branches edited in the panel become output handles on the card', async () => {
    const source = createMemoryWorkflowSource(
      emptyWorkflowDoc({ nodes: [node('c', 'condition')], viewport: { x: 0, y: 0, zoom: 1 } }),
    );
    await openEditor(source);
    await selectNode('c');
    await screen.findByRole('heading', { name: 'Condition properties' });
    fireEvent.click(screen.getByRole('button', { name: 'Add branch' }));
    fireEvent.change(screen.getByLabelText('Branch 2 label'), { target: { value: 'Spam' } });
    fireEvent.change(screen.getByLabelText('Branch 2 expression'), {
      target: { value: 'input.spam' },
    });
    await waitFor(() => {
      const handles = nodeElement('c').querySelectorAll('.react-flow__handle.source');
      expect([...handles].map((h) => h.textContent)).toEqual(['Yes', 'Spam', 'Otherwise']);
    });
    await waitFor(() =>
      expect((stored(source).nodes[0]!.data['branches'] as unknown[]).length).toBe(2),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Remove branch 1' }));
    await waitFor(() =>
      expect(nodeElement('c').querySelectorAll('.react-flow__handle.source')).toHaveLength(2),
    );
  });

  it('selects a connection by clicking it and deletes only that connection', async () => {
    const source = chainSource();
    await openEditor(source);
    await waitFor(() =>
      expect(document.querySelector('.react-flow__edge[data-id="e1"]')).not.toBeNull(),
    );
    fireEvent.click(document.querySelector('.react-flow__edge[data-id="e1"]')!);
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Workflow size' }).textContent).toMatch(
        /1 selected/,
      ),
    );
    press('Delete');
    await waitFor(() => expect(stored(source).edges.map((e) => e.id)).toEqual(['e2']));
    expect(stored(source).nodes).toHaveLength(3);
    // The LLM's required input is now unconnected, and the canvas says so.
    expect(nodeElement('l').getAttribute('aria-label')).toMatch(/problem/);
  });

  it('moves the selected node with the arrow keys and saves the move', async () => {
    const source = chainSource();
    await openEditor(source);
    await selectNode('o');
    fireEvent.keyDown(nodeElement('o'), { key: 'ArrowRight' });
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'o')!.position.x).toBeGreaterThan(600),
    );
    press('z', { ctrlKey: true });
    await waitFor(() =>
      expect(stored(source).nodes.find((n) => n.id === 'o')!.position).toEqual({ x: 600, y: 0 }),
    );
  });

  it('says so when the workflow is deleted on another device while open', async () => {
    const source = chainSource();
    await openEditor(source);
    act(() => source.applyRemote({ _deleted: true }));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /This workflow is not available: it was deleted/,
    );
  });
});
