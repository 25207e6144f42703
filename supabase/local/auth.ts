/**
 * The GoTrue endpoints that @supabase/supabase-js calls: sign-up (auto-confirmed, answers a
 * session), the password and refresh-token grants, reading and updating the user, and logout.
 * Users live in auth.users with bcrypt hashes; sessions and single-use, rotating refresh tokens
 * in auth.sessions / auth.refresh_tokens (auth-schema.sql). Errors have GoTrue's bodies, in the
 * shape the caller's X-Supabase-Api-Version asks for.
 */
import bcrypt from 'bcryptjs';
import type { LocalDatabase } from './database.ts';
import type { Claims } from './jwt.ts';
import { verifyToken } from './jwt.ts';
import type { UserRow } from './auth-sessions.ts';
import { createSessionIssuer, hashRefreshToken, loadUser } from './auth-sessions.ts';
import type { RequestContext } from './http-router.ts';
import { bearerToken, header, sendEmpty, sendJson } from './http-router.ts';
import { isDatabaseError } from './postgrest-errors.ts';
import type { RateLimit } from './rate-limit.ts';
import { RateLimiter } from './rate-limit.ts';
import {
  GoTrueError,
  checkNewPassword,
  checkUserData,
  maximumPasswordBytes,
  normalizeEmail,
  rateLimited,
  readJsonObject,
  sendGoTrueError,
} from './auth-input.ts';

export { GoTrueError, sendGoTrueError } from './auth-input.ts';
export { hashRefreshToken } from './auth-sessions.ts';

export interface AuthOptions {
  db: LocalDatabase;
  jwtSecret: string;
  /** The `iss` claim: <public url>/auth/v1, as GoTrue sets it. */
  issuer: string;
  accessTokenTtlSeconds: number;
  rateLimits: AuthRateLimits;
}

/**
 * Sign-up, sign-in and token refresh are limited per client address (all three together, as
 * GoTrue's token limit: 150 per 5 minutes) and per account (attempts on one e-mail address:
 * failed sign-ins, sign-ups; refreshes of one user's sessions).
 */
export interface AuthRateLimits {
  perAddress: RateLimit;
  perAccount: RateLimit;
}

export const defaultAuthRateLimits: AuthRateLimits = {
  perAddress: { limit: 150, windowMs: 5 * 60_000 },
  perAccount: { limit: 10, windowMs: 5 * 60_000 },
};

const bcryptCost = 10;
/** A real hash to compare against when the email is unknown, so timing does not tell. */
const unknownUserHash = bcrypt.hashSync('flowkeep-no-such-user', bcryptCost);

export function createAuthHandler(options: AuthOptions) {
  const { db } = options;
  const perAddress = new RateLimiter(options.rateLimits.perAddress);
  const perAccount = new RateLimiter(options.rateLimits.perAccount);

  function limitAccount(key: string): void {
    const wait = perAccount.take(key);
    if (wait !== null) throw rateLimited(wait);
  }

  const { issueSession, respondWithSession } = createSessionIssuer(options);

  async function signUp(ctx: RequestContext) {
    const body = await readJsonObject(ctx);
    const email = normalizeEmail(body.email);
    limitAccount(`signup:${email}`);
    if (typeof body.password !== 'string' || body.password === '') {
      throw new GoTrueError(422, 'validation_failed', 'Signup requires a valid password');
    }
    const password = checkNewPassword(body.password);
    const userMetadata = checkUserData(body.data ?? {});
    const hash = await bcrypt.hash(password, bcryptCost);
    let session: Awaited<ReturnType<typeof issueSession>> | null;
    try {
      session = await db.transaction(async (tx) => {
        const existing = await tx.query('select 1 from auth.users where lower(email) = $1', [
          email,
        ]);
        if (existing.rows.length > 0) return null;
        const inserted = await tx.query<{ id: string }>(
          `insert into auth.users (email, encrypted_password, email_confirmed_at, last_sign_in_at,
             raw_user_meta_data)
           values ($1, $2, now(), now(), $3::jsonb) returning id::text as id`,
          [email, hash, JSON.stringify(userMetadata)],
        );
        const user = await loadUser(tx, 'u.id = $1', inserted.rows[0]!.id);
        return issueSession(tx, user!, header(ctx.req, 'user-agent'));
      });
    } catch (error) {
      // A concurrent sign-up with the same address won the unique index.
      if (isDatabaseError(error) && error.code === '23505') session = null;
      else if (isDatabaseError(error) && /^(22|23)/.test(error.code)) {
        const message = typeof error.message === 'string' ? error.message : 'invalid input';
        throw new GoTrueError(422, 'validation_failed', `Sign-up refused: ${message}`);
      } else throw error;
    }
    if (!session) throw new GoTrueError(422, 'user_already_exists', 'User already registered');
    sendJson(ctx.res, 200, session);
  }

  async function passwordGrant(ctx: RequestContext) {
    const body = await readJsonObject(ctx);
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    // Counted before the comparison (so parallel guesses count too), given back on success.
    const account = `signin:${email}`;
    limitAccount(account);
    const user = await loadUser(db.sql, 'lower(u.email) = $1', email);
    const matches = await bcrypt.compare(password, user?.encrypted_password ?? unknownUserHash);
    // No password over 72 bytes can be right: bcrypt would compare only its first 72.
    const tooLong = Buffer.byteLength(password, 'utf8') > maximumPasswordBytes;
    if (!user || !user.encrypted_password || !matches || tooLong) {
      throw new GoTrueError(400, 'invalid_credentials', 'Invalid login credentials');
    }
    perAccount.refund(account);
    const session = await db.transaction(async (tx) => {
      await tx.query('update auth.users set last_sign_in_at = now() where id = $1', [user.id]);
      const fresh = await loadUser(tx, 'u.id = $1', user.id);
      return issueSession(tx, fresh!, header(ctx.req, 'user-agent'));
    });
    sendJson(ctx.res, 200, session);
  }

  async function refreshTokenGrant(ctx: RequestContext) {
    const body = await readJsonObject(ctx);
    if (typeof body.refresh_token !== 'string' || body.refresh_token === '') {
      throw new GoTrueError(400, 'validation_failed', 'refresh_token required');
    }
    const hash = hashRefreshToken(body.refresh_token);
    const outcome = await db.transaction(async (tx) => {
      const found = await tx.query<{
        id: string;
        revoked: boolean;
        session_id: string;
        user_id: string;
      }>(
        `select id::text as id, revoked, session_id::text as session_id, user_id
           from auth.refresh_tokens where token = $1 for update`,
        [hash],
      );
      const row = found.rows[0];
      if (!row) return { error: 'not_found' as const };
      const wait = perAccount.take(`refresh:${row.user_id}`);
      if (wait !== null) return { error: 'rate_limited' as const, wait };
      if (row.revoked) {
        // A used token presented again means it leaked or was replayed: as GoTrue's reuse
        // detection does, end the whole session so neither holder can continue with it.
        await tx.query('delete from auth.sessions where id = $1', [row.session_id]);
        return { error: 'reused' as const };
      }
      await tx.query(
        'update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1',
        [row.id],
      );
      const session = await tx.query<{ authenticated_at: number }>(
        `update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1
         returning extract(epoch from created_at)::bigint as authenticated_at`,
        [row.session_id],
      );
      const user = await loadUser(tx, 'u.id = $1', row.user_id);
      if (!user || session.rows.length === 0) return { error: 'not_found' as const };
      return {
        session: await respondWithSession(
          tx,
          user,
          row.session_id,
          hash,
          Number(session.rows[0]!.authenticated_at),
        ),
      };
    });
    if ('session' in outcome) {
      sendJson(ctx.res, 200, outcome.session);
    } else if (outcome.error === 'rate_limited') {
      throw rateLimited(outcome.wait);
    } else if (outcome.error === 'reused') {
      throw new GoTrueError(
        400,
        'refresh_token_already_used',
        'Invalid Refresh Token: Already Used',
      );
    } else {
      throw new GoTrueError(
        400,
        'refresh_token_not_found',
        'Invalid Refresh Token: Refresh Token Not Found',
      );
    }
  }

  /** GoTrue's requireAuthentication: a valid user JWT whose user and session still exist. */
  async function authenticatedUser(
    ctx: RequestContext,
  ): Promise<{ claims: Claims; user: UserRow }> {
    const token = bearerToken(ctx.req);
    if (!token) {
      throw new GoTrueError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
    }
    const verified = await verifyToken(options.jwtSecret, token);
    if (!verified.ok) {
      const detail =
        verified.reason === 'expired'
          ? 'token has invalid claims: token is expired'
          : verified.reason === 'signature'
            ? 'token signature is invalid: signature is invalid'
            : verified.message;
      throw new GoTrueError(
        403,
        'bad_jwt',
        `invalid JWT: unable to parse or verify signature, ${detail}`,
      );
    }
    const { claims } = verified;
    if (typeof claims.sub !== 'string' || claims.sub === '') {
      throw new GoTrueError(403, 'bad_jwt', 'invalid claim: missing sub claim');
    }
    const user = await loadUser(db.sql, 'u.id::text = $1', claims.sub);
    if (!user) {
      throw new GoTrueError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    }
    if (typeof claims.session_id === 'string') {
      const session = await db.sql.query('select 1 from auth.sessions where id::text = $1', [
        claims.session_id,
      ]);
      if (session.rows.length === 0) {
        throw new GoTrueError(
          403,
          'session_not_found',
          'Session from session_id claim in JWT does not exist',
        );
      }
    }
    return { claims, user };
  }

  async function getUser(ctx: RequestContext) {
    const { user } = await authenticatedUser(ctx);
    sendJson(ctx.res, 200, JSON.parse(user.user_json));
  }

  async function updateUser(ctx: RequestContext) {
    const { user } = await authenticatedUser(ctx);
    const body = await readJsonObject(ctx);
    if (body.email !== undefined && normalizeEmail(body.email) !== user.email) {
      throw new GoTrueError(
        422,
        'email_address_not_authorized',
        'Changing the email address is not supported by the local server',
      );
    }
    let hash: string | null = null;
    if (body.password !== undefined) {
      hash = await bcrypt.hash(checkNewPassword(body.password), bcryptCost);
    }
    const data = checkUserData(body.data);
    const updated = await db.transaction(async (tx) => {
      await tx.query(
        `update auth.users set
           encrypted_password = coalesce($2, encrypted_password),
           raw_user_meta_data = raw_user_meta_data || $3::jsonb,
           updated_at = now()
         where id = $1`,
        [user.id, hash, JSON.stringify(data)],
      );
      return loadUser(tx, 'u.id = $1', user.id);
    });
    sendJson(ctx.res, 200, JSON.parse(updated!.user_json));
  }

  async function logout(ctx: RequestContext) {
    const { claims, user } = await authenticatedUser(ctx);
    const scope = ctx.url.searchParams.get('scope') ?? 'global';
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : null;
    if (scope === 'global') {
      await db.sql.query('delete from auth.sessions where user_id = $1', [user.id]);
    } else if (scope === 'local') {
      await db.sql.query('delete from auth.sessions where id::text = $1', [sessionId]);
    } else if (scope === 'others') {
      await db.sql.query(
        'delete from auth.sessions where user_id = $1 and id::text is distinct from $2',
        [user.id, sessionId],
      );
    } else {
      throw new GoTrueError(400, 'validation_failed', `Unsupported logout scope "${scope}"`);
    }
    sendEmpty(ctx.res, 204);
  }

  /** Routes /auth/v1/<path>. */
  return async function handleAuth(ctx: RequestContext, path: string): Promise<void> {
    try {
      const route = `${ctx.method} ${path}`;
      if (route === 'POST /signup' || route === 'POST /token') {
        const wait = perAddress.take(ctx.req.socket.remoteAddress ?? 'unknown');
        if (wait !== null) throw rateLimited(wait);
      }
      if (route === 'POST /signup') return await signUp(ctx);
      if (route === 'POST /token') {
        const grant = ctx.url.searchParams.get('grant_type');
        if (grant === 'password') return await passwordGrant(ctx);
        if (grant === 'refresh_token') return await refreshTokenGrant(ctx);
        throw new GoTrueError(400, 'validation_failed', 'unsupported_grant_type');
      }
      if (route === 'GET /user') return await getUser(ctx);
      if (route === 'PUT /user') return await updateUser(ctx);
      if (route === 'POST /logout') return await logout(ctx);
      if (route === 'GET /health') {
        return sendJson(ctx.res, 200, { version: 'flowkeep-local', name: 'GoTrue' });
      }
      throw new GoTrueError(404, 'not_found', `Unsupported auth endpoint: ${ctx.method} ${path}`);
    } catch (error) {
      if (!(error instanceof GoTrueError)) throw error;
      sendGoTrueError(ctx, error);
    }
  };
}
