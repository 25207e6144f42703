import { describe, expect, it } from 'vitest';
import { parseReadPlan } from '../../../supabase/local/rest-query.ts';
import { PostgrestError } from '../../../supabase/local/postgrest-errors.ts';

const columns = new Set(['id', 'name', 'tenant_id', 'created_at', 'tags']);
const plan = (query: string) =>
  parseReadPlan('workflows', new URLSearchParams(query), (c) => columns.has(c));

function refusal(query: string): PostgrestError {
  try {
    plan(query);
  } catch (error) {
    if (error instanceof PostgrestError) return error;
    throw error;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('parseReadPlan (PostgREST read grammar)', () => {
  it('reads what supabase-js sends for select, filters, order, limit and offset', () => {
    expect(
      plan(
        'select=id,title:name&tenant_id=eq.t1&name=in.(a,"b,c",  d )&order=created_at.desc.nullslast,id&limit=10&offset=20',
      ),
    ).toEqual({
      columns: [
        { column: 'id', alias: 'id' },
        { column: 'name', alias: 'title' },
      ],
      filters: [
        { column: 'tenant_id', operator: 'eq', negated: false, value: 't1' },
        { column: 'name', operator: 'in', negated: false, value: ['a', 'b,c', 'd'] },
      ],
      order: [
        { column: 'created_at', descending: true, nulls: 'last' },
        { column: 'id', descending: false, nulls: null },
      ],
      limit: 10,
      offset: 20,
    });
  });

  it('keeps filter values as data, whatever they contain', () => {
    const { filters } = plan(
      `name=eq.${encodeURIComponent("x' or 1=1; drop table t; --")}&id=not.is.null`,
    );
    expect(filters).toEqual([
      { column: 'name', operator: 'eq', negated: false, value: "x' or 1=1; drop table t; --" },
      { column: 'id', operator: 'is', negated: true, value: 'null' },
    ]);
  });

  it('refuses unknown columns with 42703 and malformed parameters with PGRST100', () => {
    expect(refusal('select=secret')).toMatchObject({ status: 400, code: '42703' });
    expect(refusal('nope=eq.1')).toMatchObject({ status: 400, code: '42703' });
    for (const query of [
      'select=id,(select 1)',
      'select=other(id)',
      'name;drop=eq.1',
      'name=between.1',
      'name=eq',
      'name=is.maybe',
      'name=in.a,b',
      'order=name.sideways',
      'order=name;drop table x',
      'limit=-1',
      'limit=1;drop',
      'or=(name.eq.a,name.eq.b)',
    ]) {
      expect(refusal(query), query).toMatchObject({ status: 400 });
    }
  });
});
