import { describe, expect, it } from 'vitest';
import { fromDatabaseError, statusForSqlState } from '../../../supabase/local/postgrest-errors.ts';

describe('PostgREST status codes for database errors', () => {
  it('follows PostgREST’s table', () => {
    const cases: [string, number][] = [
      ['23505', 409],
      ['23503', 409],
      ['P0001', 400],
      ['22023', 400],
      ['22P02', 400],
      ['42883', 404],
      ['42P01', 404],
      ['25006', 405],
      ['40001', 500],
      ['53300', 503],
      ['08006', 503],
      ['54000', 500],
      ['PT418', 418],
      ['XX000', 500],
    ];
    for (const [code, status] of cases)
      expect(statusForSqlState(code, 'authenticated'), code).toBe(status);
  });

  it('answers permission errors 401 to anon and 403 to a signed-in role', () => {
    expect(statusForSqlState('42501', 'anon')).toBe(401);
    expect(statusForSqlState('42501', 'authenticated')).toBe(403);
  });

  it('carries message, detail and hint into the PostgREST body', () => {
    const error = fromDatabaseError(
      { code: '23505', message: 'duplicate key', detail: 'Key (id)=(1) exists.', hint: '' },
      'authenticated',
    );
    expect(error.status).toBe(409);
    expect(error.body).toEqual({
      code: '23505',
      message: 'duplicate key',
      details: 'Key (id)=(1) exists.',
      hint: null,
    });
  });
});
