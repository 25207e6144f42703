import { describe, expect, it } from 'vitest';
import { fromServerRow, toServerState } from '../../sync/row-mapping.ts';

describe('row mapping between the wire and RxDB', () => {
  it('moves _txid to server_txid and keeps only fields the schema knows', () => {
    const row = {
      id: 'a',
      tenant_id: 't',
      name: 'n',
      _txid: '42',
      _deleted: false,
      added_later: 1,
    };
    expect(fromServerRow(row, new Set(['id', 'tenant_id', 'name']))).toEqual({
      id: 'a',
      tenant_id: 't',
      name: 'n',
      server_txid: '42',
      _deleted: false,
    });
  });

  it('sends the version a document was based on back as _txid, without RxDB bookkeeping', () => {
    const doc = {
      id: 'a',
      name: 'n',
      server_txid: '42',
      _deleted: false,
      _meta: { lwt: 1 },
      _rev: '1-a',
      _attachments: {},
    };
    expect(toServerState(doc)).toEqual({ id: 'a', name: 'n', _txid: '42', _deleted: false });
    expect(toServerState({ id: 'b', server_txid: null })).toEqual({ id: 'b', _deleted: false });
  });
});
