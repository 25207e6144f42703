import { describe, expect, it } from 'vitest';
import { applyOperation } from '../../../src/editor/graph-ops.ts';
import { describeLostValues } from '../../../src/editor/sync-conflicts.ts';
import { chain, node } from './fixtures.ts';

const at = '2026-11-23T15:00:00.000Z';

describe('describeLostValues', () => {
  it('describes a lost field value and restores it as an operation', () => {
    const graph = chain();
    const [lost] = describeLostValues(
      [{ path: 'nodes/l/data/model', value: 'mine', winner: 'gpt-4o-mini', at }],
      graph,
    );
    expect(lost!.description).toBe('LLM prompt · Model: "mine" lost to "gpt-4o-mini"');
    expect(lost!.inUse).toBe(false);
    const restored = applyOperation(graph, lost!.restore!);
    expect(restored.nodes[1]!.data['model']).toBe('mine');
    expect(
      describeLostValues(
        [{ path: 'nodes/l/data/model', value: 'mine', winner: 'x', at }],
        restored,
      )[0]!.inUse,
    ).toBe(true);
  });

  it('restores a node that was edited here but deleted on another device', () => {
    const graph = chain();
    const gone = node('h', 'http', { url: 'https://kept.example' });
    const [lost] = describeLostValues(
      [{ path: 'nodes/h', value: gone as never, winner: null, at }],
      graph,
    );
    expect(lost!.description).toBe('HTTP request: edited here but deleted on another device');
    const restored = applyOperation(graph, lost!.restore!);
    expect(restored.nodes.find((n) => n.id === 'h')!.data['url']).toBe('https://kept.example');
  });

  it('lists other entries without a restore, and skips malformed ones', () => {
    const list = describeLostValues(
      [{ path: 'name', value: 'Mine', winner: 'Theirs', at }, 42, { nope: true }],
      chain(),
    );
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ description: 'name: "Mine" lost to "Theirs"', restore: null });
  });
});
