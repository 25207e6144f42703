/**
 * HS256 JWTs as Supabase issues them: the anon and service_role API keys, and the access
 * tokens of signed-in users (GoTrue's claim set). Verification reports why a token was refused,
 * because PostgREST, GoTrue and Realtime each answer a different body for each reason.
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { JWTPayload } from 'jose';

export type ApiRole = 'anon' | 'authenticated' | 'service_role';

export interface Claims extends JWTPayload {
  role?: string;
  session_id?: string;
  email?: string;
}

export type VerifiedToken =
  | { ok: true; claims: Claims }
  | { ok: false; reason: 'expired' | 'malformed' | 'signature' | 'claims'; message: string };

const keys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key, imported once per secret rather than on every sign and verify. */
export function secretKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    keys.set(secret, key);
  }
  return key;
}

/**
 * The API keys are fixed for a given secret (fixed iat/exp, HS256 is deterministic), so a
 * restarted server hands the app the same anon key it had before.
 */
const apiKeyIssuedAt = 1_700_000_000;
const apiKeyExpiresAt = apiKeyIssuedAt + 10 * 365 * 24 * 3600;

export async function signApiKey(secret: string, role: 'anon' | 'service_role'): Promise<string> {
  return new SignJWT({ iss: 'supabase-demo', role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(apiKeyIssuedAt)
    .setExpirationTime(apiKeyExpiresAt)
    .sign(await secretKey(secret));
}

export interface AccessTokenInput {
  issuer: string;
  userId: string;
  email: string;
  sessionId: string;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  isAnonymous: boolean;
  ttlSeconds: number;
  /** When the session authenticated (the `amr` timestamp). */
  authenticatedAt: number;
}

export async function signAccessToken(
  secret: string,
  input: AccessTokenInput,
): Promise<{ token: string; expiresAt: number }> {
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + input.ttlSeconds;
  const token = await new SignJWT({
    iss: input.issuer,
    sub: input.userId,
    aud: 'authenticated',
    email: input.email,
    phone: '',
    app_metadata: input.appMetadata,
    user_metadata: input.userMetadata,
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: input.authenticatedAt }],
    session_id: input.sessionId,
    is_anonymous: input.isAnonymous,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(await secretKey(secret));
  return { token, expiresAt };
}

export async function verifyToken(secret: string, token: string): Promise<VerifiedToken> {
  const parts = token.split('.').length;
  if (parts !== 3) {
    return { ok: false, reason: 'malformed', message: `Expected 3 parts in JWT; got ${parts}` };
  }
  try {
    // No clock tolerance: a token is refused from the second it expires.
    const { payload } = await jwtVerify(token, await secretKey(secret), { algorithms: ['HS256'] });
    // jose accepts an `iat` in the future; PostgREST refuses it ("JWT issued at future"): a
    // token dated ahead would outlive the `exp` its issuer meant.
    if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000)) {
      return { ok: false, reason: 'claims', message: 'JWT issued at future' };
    }
    return { ok: true, claims: payload as Claims };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      return { ok: false, reason: 'expired', message: 'JWT expired' };
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return { ok: false, reason: 'signature', message: 'JWSError JWSInvalidSignature' };
    }
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      return {
        ok: false,
        reason: 'claims',
        message: `JWT claims validation failed: ${error.message}`,
      };
    }
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'malformed', message: `JWSError ${detail}` };
  }
}
