/**
 * Users and sessions as the auth endpoints read and write them: auth.users answered in
 * GoTrue's shape (built by Postgres so timestamps keep their precision), and sessions issued
 * with a rotating, single-use refresh token (stored as its SHA-256) and a signed access token.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SqlClient } from './sql-client.ts';
import { signAccessToken } from './jwt.ts';

export interface SessionOptions {
  jwtSecret: string;
  /** The `iss` claim: <public url>/auth/v1, as GoTrue sets it. */
  issuer: string;
  accessTokenTtlSeconds: number;
}

/** auth.users as GoTrue answers it, built by Postgres so timestamps keep their precision. */
const userJson = `jsonb_build_object(
  'id', u.id, 'aud', u.aud, 'role', u.role, 'email', u.email,
  'email_confirmed_at', u.email_confirmed_at, 'phone', '', 'confirmed_at', u.email_confirmed_at,
  'last_sign_in_at', u.last_sign_in_at, 'app_metadata', u.raw_app_meta_data,
  'user_metadata', u.raw_user_meta_data,
  'identities', jsonb_build_array(jsonb_build_object(
    'identity_id', u.id, 'id', u.id, 'user_id', u.id, 'provider', 'email', 'email', u.email,
    'identity_data', jsonb_build_object('email', u.email, 'email_verified', true,
      'phone_verified', false, 'sub', u.id::text),
    'last_sign_in_at', u.last_sign_in_at, 'created_at', u.created_at, 'updated_at', u.updated_at)),
  'created_at', u.created_at, 'updated_at', u.updated_at, 'is_anonymous', u.is_anonymous)::text`;

export interface UserRow {
  id: string;
  email: string;
  encrypted_password: string | null;
  app_metadata: string;
  user_metadata: string;
  is_anonymous: boolean;
  user_json: string;
}

const selectUser = `select u.id::text as id, u.email, u.encrypted_password,
  u.raw_app_meta_data::text as app_metadata, u.raw_user_meta_data::text as user_metadata,
  u.is_anonymous, ${userJson} as user_json from auth.users u`;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createSessionIssuer(options: SessionOptions) {
  async function issueSession(tx: SqlClient, user: UserRow, userAgent: string | undefined) {
    const sessionId = randomUUID();
    await tx.query('insert into auth.sessions (id, user_id, user_agent) values ($1, $2, $3)', [
      sessionId,
      user.id,
      userAgent ?? null,
    ]);
    return respondWithSession(tx, user, sessionId, null, Math.floor(Date.now() / 1000));
  }

  async function respondWithSession(
    tx: SqlClient,
    user: UserRow,
    sessionId: string,
    parentHash: string | null,
    authenticatedAt: number,
  ) {
    const refreshToken = randomBytes(24).toString('base64url');
    await tx.query(
      `insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2, $3, $4)`,
      [hashRefreshToken(refreshToken), user.id, sessionId, parentHash],
    );
    const { token, expiresAt } = await signAccessToken(options.jwtSecret, {
      issuer: options.issuer,
      userId: user.id,
      email: user.email,
      sessionId,
      appMetadata: JSON.parse(user.app_metadata) as Record<string, unknown>,
      userMetadata: JSON.parse(user.user_metadata) as Record<string, unknown>,
      isAnonymous: user.is_anonymous,
      ttlSeconds: options.accessTokenTtlSeconds,
      authenticatedAt,
    });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: options.accessTokenTtlSeconds,
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: JSON.parse(user.user_json) as Record<string, unknown>,
    };
  }

  return { issueSession, respondWithSession };
}

export async function loadUser(
  sql: SqlClient,
  where: string,
  value: string,
): Promise<UserRow | null> {
  const result = await sql.query<UserRow>(`${selectUser} where ${where}`, [value]);
  return result.rows[0] ?? null;
}
