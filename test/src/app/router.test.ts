// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../src/app/router.tsx';

const at = (pathname: string, hash = '') => matchRoute({ pathname, hash, search: '' });

describe('matchRoute', () => {
  it('maps each screen path to its route', () => {
    expect(at('/')).toEqual({ name: 'workflows' });
    expect(at('/members/')).toEqual({ name: 'members' });
    expect(at('/w/0b7c0c5e-1a2b-4c3d-8e9f-001122334455')).toEqual({
      name: 'workflow',
      workflowId: '0b7c0c5e-1a2b-4c3d-8e9f-001122334455',
    });
    expect(at('/organizations/new')).toEqual({ name: 'new-organization' });
    expect(at('/nowhere')).toEqual({ name: 'not-found', pathname: '/nowhere' });
  });

  it('reads the invitation token from the fragment, never the query', () => {
    expect(at('/invite', '#token=abc123')).toEqual({ name: 'invite', token: 'abc123' });
    expect(at('/invite', '')).toEqual({ name: 'invite', token: null });
    expect(at('/invite', '#token=')).toEqual({ name: 'invite', token: null });
  });
});
