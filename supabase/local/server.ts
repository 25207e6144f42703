/**
 * The local Supabase-compatible server: one HTTP port serving GoTrue's auth endpoints
 * (/auth/v1), PostgREST's RPCs and table reads (/rest/v1), Realtime's postgres_changes
 * (/realtime/v1/websocket), /config.json for the app, and the built PWA. Postgres (embedded
 * PGlite or a PostgreSQL server) is the authority: the server authenticates, sets role and
 * claims, and forwards.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sql-client.ts';
import { migrate } from './migrate.ts';
import type { LocalDatabaseConfig } from './database.ts';
import { openLocalDatabase } from './database.ts';
import { signApiKey } from './jwt.ts';
import { checkApiKey } from './api-keys.ts';
import type { RequestContext } from './http-router.ts';
import { BodyTooLargeError, answerPreflight, applyCors, sendJson } from './http-router.ts';
import type { AuthRateLimits } from './auth.ts';
import { createAuthHandler, defaultAuthRateLimits } from './auth.ts';
import { isDatabaseError } from './postgrest-errors.ts';
import { publicUrlResolver } from './public-url.ts';
import { defaultMaxResponseBytes } from './response-size.ts';
import { createRestHandler } from './rest.ts';
import { createRealtime } from './realtime.ts';
import { createStaticHandler } from './static.ts';

export type { LocalDatabaseConfig } from './database.ts';

export interface LocalServerOptions {
  database: LocalDatabaseConfig;
  /** 0 = a free port (tests); default PORT, else 54321. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Else JWT_SECRET, else generated once and kept in the PGlite data dir (random for PostgreSQL). */
  jwtSecret?: string;
  /** The built PWA (dist/); null or absent = serve no app. */
  staticDir?: string | null;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  log?: boolean;
  /** Migrations folder; default supabase/migrations. Tests may point at their own. */
  migrationsDir?: string;
  /** The API URL /config.json gives the app (PUBLIC_URL); default: see public-url.ts. */
  publicUrl?: string | null;
  /** Largest REST response body; default 128 MiB. */
  maxResponseBytes?: number;
  /** statement_timeout of each API request; default 8000 (Supabase's, for authenticated). */
  statementTimeoutMs?: number;
  /** Rate limits of sign-up, sign-in and refresh; default auth.ts's defaultAuthRateLimits. */
  authRateLimits?: AuthRateLimits;
}

export interface LocalServer {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  /** Superuser access for tests and benchmarks (bypasses RLS); each call is atomic on its own. */
  sql: SqlClient;
  /** Stops accepting, finishes in-flight requests, closes Realtime, then the database. */
  stop(): Promise<void>;
}

const authSchemaFile = fileURLToPath(new URL('./auth-schema.sql', import.meta.url));
const realtimeTriggersFile = fileURLToPath(new URL('./realtime-triggers.sql', import.meta.url));

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const log = options.log ?? false;
  const db = await openLocalDatabase(options.database);
  try {
    await db.session((client) => migrate(client, options.migrationsDir));
    await db.sql.exec(await readFile(authSchemaFile, 'utf8'));
    await db.sql.exec(await readFile(realtimeTriggersFile, 'utf8'));
  } catch (error) {
    await db.close();
    throw error;
  }

  const jwtSecret = await resolveJwtSecret(options);
  const anonKey = await signApiKey(jwtSecret, 'anon');
  const serviceRoleKey = await signApiKey(jwtSecret, 'service_role');
  const apiKeys = { anonKey, serviceRoleKey };
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? Number(process.env.PORT ?? 54321);

  // The issuer needs the URL, which needs the port: filled in once listening.
  let url = '';
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  let handleAuth: ReturnType<typeof createAuthHandler> | null = null;
  const statementTimeoutMs = options.statementTimeoutMs ?? 8000;
  const handleRest = createRestHandler({
    db,
    jwtSecret,
    maxResponseBytes: options.maxResponseBytes ?? defaultMaxResponseBytes,
    statementTimeoutMs,
  });
  const realtime = createRealtime({ db, jwtSecret, apiKeys, statementTimeoutMs });
  let publicUrl: (hostHeader: string | undefined) => string = () => url;
  try {
    await realtime.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const handleStatic = options.staticDir ? createStaticHandler(options.staticDir) : null;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendJson(res, 400, { message: 'Malformed request URL' });
    }
    const ctx: RequestContext = { req, res, url: parsed, method: req.method ?? 'GET' };
    applyCors(req, res);
    if (ctx.method === 'OPTIONS') return answerPreflight(req, res);
    const path = ctx.url.pathname;
    const api = /^\/(auth|rest)\/v1(\/.*)?$/.exec(path);
    if (api) {
      const check = checkApiKey(apiKeys, req, ctx.url);
      if (!check.ok) return sendJson(res, check.status, check.body);
      const rest = api[2] ?? '/';
      return api[1] === 'auth' ? handleAuth!(ctx, rest) : handleRest(ctx, rest);
    }
    if (path === '/config.json') {
      return sendJson(
        res,
        200,
        { supabaseUrl: publicUrl(req.headers.host), supabaseAnonKey: anonKey },
        { 'Cache-Control': 'no-cache' },
      );
    }
    if (handleStatic) return handleStatic(ctx);
    sendJson(res, 404, { message: `Not found: ${path} (this server was started without the app)` });
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    route(req, res)
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          if (!res.headersSent)
            sendJson(res, 413, {
              code: 'PGRST413',
              message: error.message,
              details: null,
              hint: null,
            });
          return;
        }
        console.error(`${req.method} ${requestPath(req)}: ${describeError(error)}`);
        if (!res.headersSent) {
          sendJson(res, 500, {
            code: 'XX000',
            message: 'Internal server error',
            details: null,
            hint: null,
          });
        } else {
          res.destroy();
        }
      })
      .finally(() => {
        if (log) {
          console.log(
            `${req.method} ${requestPath(req)} ${res.statusCode} ${(performance.now() - started).toFixed(1)} ms`,
          );
        }
      });
  });
  server.on('upgrade', (req, socket, head) => {
    let upgradeUrl: URL | null = null;
    try {
      upgradeUrl = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // answered 404 below
    }
    if (upgradeUrl?.pathname === '/realtime/v1/websocket') {
      realtime.handleUpgrade(req, socket, head, upgradeUrl);
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  url = `http://${urlHost}:${port}`;
  publicUrl = publicUrlResolver(url, host, options.publicUrl ?? null);
  handleAuth = createAuthHandler({
    db,
    jwtSecret,
    issuer: `${url}/auth/v1`,
    accessTokenTtlSeconds: ttl,
    rateLimits: options.authRateLimits ?? defaultAuthRateLimits,
  });

  let stopping: Promise<void> | null = null;
  async function stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Keep-alive connections that stay busy get a few seconds to finish their requests.
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    await realtime.close();
    await closed;
    clearTimeout(force);
    await db.close();
  }

  return {
    url,
    anonKey,
    serviceRoleKey,
    jwtSecret,
    sql: db.sql,
    stop: () => (stopping ??= stop()),
  };
}

/**
 * An unexpected error as one log line. Never the error object itself: database errors carry
 * their query's parameters (PGlite attaches them) and rows in `detail`, e.g. a new user's
 * password hash.
 */
export function describeError(error: unknown): string {
  if (isDatabaseError(error)) {
    return `database error ${error.code}: ${typeof error.message === 'string' ? error.message : ''}`;
  }
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** The request's path without its query (which may carry an API key or filter values). */
function requestPath(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
}

async function resolveJwtSecret(options: LocalServerOptions): Promise<string> {
  if (options.jwtSecret) return options.jwtSecret;
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET;
  const database = options.database;
  if (database.kind === 'pglite' && database.dataDir !== null) {
    const file = join(database.dataDir, 'jwt-secret');
    try {
      const stored = (await readFile(file, 'utf8')).trim();
      if (stored.length >= 32) return stored;
    } catch {
      // first start: generate it below
    }
    const secret = randomBytes(32).toString('base64url');
    await mkdir(database.dataDir, { recursive: true });
    await writeFile(file, secret + '\n', { mode: 0o600 });
    return secret;
  }
  if (database.kind === 'postgres') {
    console.warn(
      'JWT_SECRET is not set: using a random secret, so sessions end when the server stops. ' +
        'Set JWT_SECRET (32+ characters) to keep them.',
    );
  }
  return randomBytes(32).toString('base64url');
}
