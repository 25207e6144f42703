/**
 * Issue 16, items 3, 4, 6 and 7 on the auth side: password guessing is rate limited (429 with
 * Retry-After, GoTrue's body), passwords over bcrypt's 72 bytes are refused, bad sign-up input
 * is a 4xx that changes nothing, and tokens issued in the future are refused.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './local-server-harness.ts';
import { backends, rawFetch, startTestServer } from './local-server-harness.ts';

const apiVersion = { 'x-supabase-api-version': '2024-01-01' };

function post(t: TestServer, path: string, body: unknown) {
  return rawFetch(t.server, `/auth/v1${path}`, {
    method: 'POST',
    headers: apiVersion,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function userCount(t: TestServer): Promise<number> {
  const result = await t.server.sql.query<{ n: number }>(
    'select count(*)::int as n from auth.users',
  );
  return result.rows[0]!.n;
}

describe.each(backends)('auth abuse on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, {
      authRateLimits: {
        perAddress: { limit: 60, windowMs: 60_000 },
        perAccount: { limit: 5, windowMs: 60_000 },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 with Retry-After once one account has had too many wrong passwords', async () => {
    const { email } = await t.signUp();
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof post>> | null = null;
    for (let i = 0; i < 7; i++) {
      const answer = await post(t, '/token?grant_type=password', { email, password: `guess ${i}` });
      statuses.push(answer.status);
      if (answer.status === 429) limited ??= answer;
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
    expect(limited!.body).toEqual({
      code: 'over_request_rate_limit',
      message: 'Request rate limit reached',
    });
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Even the right password waits: the guesser cannot tell it was right.
    const right = await post(t, '/token?grant_type=password', {
      email,
      password: 'correct horse battery',
    });
    expect(right.status).toBe(429);
    // Another account from the same address is not affected, and right answers do not count.
    const other = await t.signUp();
    for (let i = 0; i < 6; i++) {
      const answer = await post(t, '/token?grant_type=password', {
        email: other.email,
        password: 'correct horse battery',
      });
      expect(answer.status).toBe(200);
    }
  });

  it('limits token refreshes per account', async () => {
    const { client } = await t.signUp();
    let refresh = (await client.auth.getSession()).data.session!.refresh_token;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await post(t, '/token?grant_type=refresh_token', { refresh_token: refresh });
      statuses.push(answer.status);
      if (answer.status === 200) refresh = (answer.body as { refresh_token: string }).refresh_token;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('refuses passwords over 72 bytes at sign-up, and a suffix beyond them at sign-in', async () => {
    const before = await userCount(t);
    const long = await post(t, '/signup', { email: 'long@example.com', password: 'p'.repeat(73) });
    expect(long.status).toBe(422);
    expect(long.body).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/longer than 72 bytes/),
    });
    // 25 euro signs are 75 bytes though only 25 characters.
    const euros = await post(t, '/signup', { email: 'euro@example.com', password: '€'.repeat(25) });
    expect(euros.status).toBe(422);
    expect(await userCount(t)).toBe(before);

    const password = 'k'.repeat(72);
    const signedUp = await post(t, '/signup', { email: 'exact@example.com', password });
    expect(signedUp.status).toBe(200);
    const suffixed = await post(t, '/token?grant_type=password', {
      email: 'exact@example.com',
      password: password + 'wrong suffix',
    });
    expect(suffixed.status).toBe(400);
    const exact = await post(t, '/token?grant_type=password', {
      email: 'exact@example.com',
      password,
    });
    expect(exact.status).toBe(200);
  });

  it('answers bad sign-up input with a 4xx that says what is wrong, and creates nothing', async () => {
    const before = await userCount(t);
    const name = await post(t, '/signup', {
      email: 'named@example.com',
      password: 'long enough',
      data: { display_name: 'n'.repeat(121) },
    });
    expect(name.status).toBe(422);
    expect(name.body).toMatchObject({ message: expect.stringMatching(/at most 120 characters/) });
    let nested = '1';
    for (let i = 0; i < 5000; i++) nested = `{"a":${nested}}`;
    const deep = await post(
      t,
      '/signup',
      `{"email":"deep@example.com","password":"long enough","data":${nested}}`,
    );
    expect(deep.status).toBe(400);
    expect(deep.body).toMatchObject({
      code: 'bad_json',
      message: expect.stringMatching(/nested deeper/),
    });
    expect(await userCount(t)).toBe(before);

    // A long but valid address signs up; its organization's name is cut to fit.
    const email = `${'a'.repeat(64)}@${'b'.repeat(50)}.example.com`;
    const longEmail = await post(t, '/signup', { email, password: 'long enough' });
    expect(longEmail.status).toBe(200);
    const tenant = await t.server.sql.query<{ name: string }>(
      `select t.name from tenants t join auth.users u on u.id = t.created_by where u.email = $1`,
      [email],
    );
    expect(tenant.rows[0]!.name).toBe(`${email.slice(0, 105)}'s Organization`);
  });

  it('answers concurrent sign-ups with one e-mail: one account, the others 422', async () => {
    const before = await userCount(t);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        post(t, '/signup', { email: 'twice@example.com', password: 'long enough' }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422, 422, 422]);
    for (const answer of answers.filter((a) => a.status === 422)) {
      expect(answer.body).toMatchObject({ code: 'user_already_exists' });
    }
    expect(await userCount(t)).toBe(before + 1);
  });

  it('refuses a token whose iat is in the future, on REST, auth and Realtime alike', async () => {
    const { userId } = await t.signUp();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now + 3600)
      .setExpirationTime(now + 7200)
      .sign(new TextEncoder().encode(t.server.jwtSecret));
    const rest = await rawFetch(t.server, '/rest/v1/tenants?select=id', { token });
    expect(rest.status).toBe(401);
    expect(rest.body).toMatchObject({ code: 'PGRST303', message: 'JWT issued at future' });
    const user = await rawFetch(t.server, '/auth/v1/user', { token, headers: apiVersion });
    expect(user.status).toBe(403);
  });
});

describe('per-address limit', () => {
  it.each(backends)(
    'answers 429 once one address has signed up or in too often (%s)',
    async (backend) => {
      const t = await startTestServer(backend, {
        authRateLimits: {
          perAddress: { limit: 3, windowMs: 60_000 },
          perAccount: { limit: 100, windowMs: 60_000 },
        },
      });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) {
          const answer = await post(t, '/signup', {
            email: `n${i}@example.com`,
            password: 'long enough',
          });
          statuses.push(answer.status);
        }
        expect(statuses).toEqual([200, 200, 200, 429]);
        const refresh = await post(t, '/token?grant_type=refresh_token', { refresh_token: 'x' });
        expect(refresh.status).toBe(429);
        expect(refresh.headers.get('retry-after')).toMatch(/^\d+$/);
      } finally {
        await t.close();
      }
    },
    60_000,
  );
});
