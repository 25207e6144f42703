import { describe, expect, it } from 'vitest';
import { mergeDocument, mergeFields, type FieldConflict } from '../../sync/merge-fields.ts';

const base = {
  id: 'k1',
  tenant_id: 't1',
  name: 'Docs',
  description: 'old',
  chunk_size: 1000,
  settings: { a: 1 },
  server_txid: '10',
  updated_at: '2026-01-01T00:00:00+00:00',
  _deleted: false,
};

describe('mergeDocument (field by field, three-way)', () => {
  it('keeps a local edit and a server edit to different fields', () => {
    const ours = { ...base, name: 'Handbook', updated_at: '2026-01-02T00:00:00Z' };
    const theirs = {
      ...base,
      chunk_size: 500,
      server_txid: '12',
      updated_at: '2026-01-03T00:00:00+00:00',
    };
    expect(mergeDocument(base, ours, theirs)).toEqual({
      ...base,
      name: 'Handbook',
      chunk_size: 500,
      server_txid: '12',
      updated_at: '2026-01-03T00:00:00+00:00',
    });
  });

  it('resolves the same field edited on both sides to the server value and reports the local one', () => {
    const conflicts: FieldConflict[] = [];
    const ours = { ...base, name: 'Mine' };
    const theirs = { ...base, name: 'Theirs', server_txid: '11' };
    const merged = mergeDocument(base, ours, theirs, (c) => conflicts.push(c));
    expect(merged.name).toBe('Theirs');
    expect(conflicts).toEqual([{ path: 'name', ours: 'Mine', theirs: 'Theirs' }]);
  });

  it('gives the same result whichever device resolves (deterministic, order-free)', () => {
    const ours = { ...base, name: 'Mine', settings: { b: 2, a: 1 } };
    const theirs = { ...base, name: 'Theirs', server_txid: '11' };
    const first = mergeDocument(base, ours, theirs);
    const second = mergeDocument(base, structuredClone(ours), structuredClone(theirs));
    expect(second).toEqual(first);
  });

  it('treats objects with keys in another order as equal (jsonb reorders keys)', () => {
    const conflicts: FieldConflict[] = [];
    const ours = { ...base, settings: { a: 1, b: 2 } };
    const theirs = { ...base, settings: { b: 2, a: 1 }, server_txid: '11' };
    mergeDocument(base, ours, theirs, (c) => conflicts.push(c));
    expect(conflicts).toEqual([]);
  });

  it('lets a deletion on either side win over an edit on the other', () => {
    expect(
      mergeDocument(base, { ...base, _deleted: true }, { ...base, name: 'x', server_txid: '11' })
        ._deleted,
    ).toBe(true);
    expect(
      mergeDocument(base, { ...base, name: 'x' }, { ...base, _deleted: true, server_txid: '11' })
        ._deleted,
    ).toBe(true);
  });

  it('always takes server-managed columns from the server', () => {
    const ours = {
      ...base,
      tenant_id: 'other',
      created_at: 'a',
      updated_at: 'b',
      server_txid: '10',
    };
    const theirs = { ...base, created_at: 'c', updated_at: 'd', server_txid: '13' };
    const merged = mergeDocument(base, ours, theirs);
    expect(merged).toMatchObject({
      tenant_id: 't1',
      created_at: 'c',
      updated_at: 'd',
      server_txid: '13',
    });
  });

  it('merges against a missing base (both sides created the row) with the server winning differences', () => {
    const conflicts: FieldConflict[] = [];
    const merged = mergeDocument(undefined, { ...base, name: 'A' }, { ...base, name: 'B' }, (c) =>
      conflicts.push(c),
    );
    expect(merged.name).toBe('B');
    expect(conflicts).toHaveLength(1);
  });

  it('drops RxDB storage bookkeeping from the result', () => {
    const withMeta = { ...base, _meta: { lwt: 1 }, _rev: '1-a', _attachments: {} };
    const merged = mergeFields(base, withMeta, base, () => undefined, { serverManaged: true });
    expect(merged).not.toHaveProperty('_meta');
    expect(merged).not.toHaveProperty('_rev');
    expect(merged).not.toHaveProperty('_attachments');
  });
});
