/**
 * Who a PostgREST or Realtime request acts as, decided the way PostgREST decides it: the
 * Bearer JWT's `role` claim, or the anonymous role when there is no token at all. A token that
 * is forged, tampered with, expired or malformed is refused, never downgraded to anon.
 */
import type { ApiRole, Claims } from './jwt.ts';
import { verifyToken } from './jwt.ts';
import { PostgrestError } from './postgrest-errors.ts';

export interface RequestIdentity {
  role: ApiRole;
  claims: Claims;
}

const apiRoles: readonly string[] = ['anon', 'authenticated', 'service_role'];

export async function identify(jwtSecret: string, token: string | null): Promise<RequestIdentity> {
  if (token === null) return { role: 'anon', claims: { role: 'anon' } };
  const verified = await verifyToken(jwtSecret, token);
  if (!verified.ok) {
    const code =
      verified.reason === 'expired' || verified.reason === 'claims' ? 'PGRST303' : 'PGRST301';
    throw new PostgrestError(401, code, verified.message, null, null, {
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${verified.message.replace(/"/g, "'")}"`,
    });
  }
  const role = verified.claims.role ?? 'anon';
  if (!apiRoles.includes(role)) {
    throw new PostgrestError(403, '42501', `permission denied to set role "${role}"`);
  }
  return { role: role as ApiRole, claims: verified.claims };
}
