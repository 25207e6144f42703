import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthApiError } from '@supabase/supabase-js';
import type { TestServer } from './local-server-harness.ts';
import { backends, rawFetch, startTestServer } from './local-server-harness.ts';

describe.each(backends)('auth through supabase-js on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('signs up (auto-confirmed) with a session whose JWT carries Supabase claims', async () => {
    const client = t.client();
    const { data, error } = await client.auth.signUp({
      email: 'Ada@Example.com',
      password: 'analytical engine',
      options: { data: { full_name: 'Ada' } },
    });
    expect(error).toBeNull();
    expect(data.user?.email).toBe('ada@example.com');
    expect(data.user?.user_metadata).toEqual({ full_name: 'Ada' });
    expect(data.session?.token_type).toBe('bearer');
    const claims = JSON.parse(
      Buffer.from(data.session!.access_token.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({
      sub: data.user!.id,
      role: 'authenticated',
      aud: 'authenticated',
      email: 'ada@example.com',
      aal: 'aal1',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { full_name: 'Ada' },
    });
    expect(typeof claims.session_id).toBe('string');
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    // The password is stored as a bcrypt hash, never as given.
    const stored = await t.server.sql.query<{ encrypted_password: string }>(
      'select encrypted_password from auth.users where email = $1',
      ['ada@example.com'],
    );
    expect(stored.rows[0]!.encrypted_password).toMatch(/^\$2[aby]\$10\$/);
  });

  it('refuses a second sign-up with the same email, a weak password and a bad email', async () => {
    const client = t.client();
    await client.auth.signUp({ email: 'dup@example.com', password: 'long enough' });
    const again = await client.auth.signUp({ email: 'DUP@example.com', password: 'long enough' });
    expect(again.error).toBeInstanceOf(AuthApiError);
    expect(again.error).toMatchObject({ status: 422, code: 'user_already_exists' });
    const weak = await client.auth.signUp({ email: 'weak@example.com', password: '123' });
    expect(weak.error).toMatchObject({ status: 422, code: 'weak_password' });
    const badEmail = await client.auth.signUp({ email: 'not-an-email', password: 'long enough' });
    expect(badEmail.error).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  it('signs in with the password and refuses a wrong one or an unknown user alike', async () => {
    const { email } = await t.signUp();
    const client = t.client();
    const ok = await client.auth.signInWithPassword({ email, password: 'correct horse battery' });
    expect(ok.error).toBeNull();
    expect(ok.data.session?.refresh_token).toBeTruthy();
    for (const attempt of [
      { email, password: 'wrong horse' },
      { email: 'nobody@example.com', password: 'correct horse battery' },
    ]) {
      const refused = await t.client().auth.signInWithPassword(attempt);
      expect(refused.error).toMatchObject({
        status: 400,
        code: 'invalid_credentials',
        message: 'Invalid login credentials',
      });
    }
  });

  it('answers the older GoTrue error shape to clients without an API version header', async () => {
    const response = await rawFetch(t.server, '/auth/v1/token?grant_type=password', {
      method: 'POST',
      body: JSON.stringify({ email: 'nobody@example.com', password: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    });
  });

  it('rotates refresh tokens: each is single-use, and reuse ends the session', async () => {
    const { client } = await t.signUp();
    const first = (await client.auth.getSession()).data.session!;
    const refreshed = await client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    const second = refreshed.data.session!;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const firstClaims = decode(first.access_token);
    expect(decode(second.access_token).session_id).toBe(firstClaims.session_id);

    // Presenting the used token again is refused…
    const replay = await t.client().auth.refreshSession({ refresh_token: first.refresh_token });
    expect(replay.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    // …and, as GoTrue's reuse detection does, the whole session is over.
    const afterReplay = await t
      .client()
      .auth.refreshSession({ refresh_token: second.refresh_token });
    expect(afterReplay.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });

    const unknown = await t.client().auth.refreshSession({ refresh_token: 'made-up-token' });
    expect(unknown.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });

  it('reads the signed-in user, and refuses a missing or forged token', async () => {
    const { client, userId, email } = await t.signUp();
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      id: userId,
      email,
      aud: 'authenticated',
      role: 'authenticated',
    });

    const missing = await rawFetch(t.server, '/auth/v1/user');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error_code: 'no_authorization' });
    const session = (await client.auth.getSession()).data.session!;
    const [header, payload] = session.access_token.split('.');
    const forged = await rawFetch(t.server, '/auth/v1/user', {
      token: `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`,
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ error_code: 'bad_jwt' });
  });

  it('logs out: the refresh token dies and the user endpoint reports the session gone', async () => {
    const { client } = await t.signUp();
    const session = (await client.auth.getSession()).data.session!;
    expect((await client.auth.signOut()).error).toBeNull();
    const refresh = await t.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
    const user = await rawFetch(t.server, '/auth/v1/user', { token: session.access_token });
    expect(user.status).toBe(403);
    expect(user.body).toMatchObject({ error_code: 'session_not_found' });
  });

  it('logs out one device only with scope local', async () => {
    const { client, email } = await t.signUp();
    const other = t.client();
    await other.auth.signInWithPassword({ email, password: 'correct horse battery' });
    await client.auth.signOut({ scope: 'local' });
    expect((await other.auth.refreshSession()).error).toBeNull();
  });

  it('refuses requests without a valid API key, as the Supabase gateway does', async () => {
    const none = await rawFetch(t.server, '/auth/v1/user', { apiKey: null });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ message: 'No API key found in request' });
    const wrong = await rawFetch(t.server, '/rest/v1/rpc/create_tenant', {
      apiKey: 'not-a-key',
      method: 'POST',
      body: '{}',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ message: 'Invalid API key' });
  });

  it('creates the profile and personal tenant for a new user (the migrations trigger)', async () => {
    const { client, email } = await t.signUp();
    const { data, error } = await client.from('tenants').select('name');
    expect(error).toBeNull();
    expect(data).toEqual([{ name: `${email}'s Organization` }]);
  });
});

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}
