/**
 * PostgREST's `/rest/v1`: `POST|GET /rpc/<function>` (rest-rpc.ts), `GET|HEAD /<table>` and
 * the table writes (`POST|PATCH|DELETE /<table>`, rest-write.ts). Each request is one
 * transaction that first sets `role`, `request.jwt.claims` and a `statement_timeout` exactly
 * as PostgREST does with Supabase's role settings, so RLS, grants and the functions themselves
 * decide everything. Names are resolved through the schema cache (pg_catalog) and quoted; every
 * value is a bound parameter; bodies travel to Postgres as the JSON text received; responses
 * are built by Postgres within the response size cap (response-size.ts).
 */
import type { LocalDatabase } from './database.ts';
import type { SqlClient } from './sql-client.ts';
import type { RequestContext } from './http-router.ts';
import { bearerToken, header, sendEmpty } from './http-router.ts';
import { PostgrestError, fromDatabaseError, isDatabaseError } from './postgrest-errors.ts';
import type { RequestIdentity } from './request-identity.ts';
import { identify } from './request-identity.ts';
import type { TableInfo } from './schema-cache.ts';
import { SchemaCache, quoteIdent } from './schema-cache.ts';
import { parseReadPlan, selectQuery, whereClause } from './rest-query.ts';
import type { RpcArguments } from './rest-rpc.ts';
import { chooseFunction, rpcStatement } from './rest-rpc.ts';
import { writeStatement } from './rest-write.ts';
import type { CappedRows } from './response-size.ts';
import { checkResponseSize } from './response-size.ts';
import {
  checkProfile,
  decodeSegment,
  notSingle,
  readJson,
  sendBody,
  sendPostgrestError,
  wantsSingleObject,
} from './rest-http.ts';

export { sendPostgrestError } from './rest-http.ts';

export interface RestOptions {
  db: LocalDatabase;
  jwtSecret: string;
  maxResponseBytes: number;
  /** Per request; Supabase sets 8 s for the authenticated role. */
  statementTimeoutMs: number;
}

export function createRestHandler(options: RestOptions) {
  const { db, maxResponseBytes } = options;
  const cache = new SchemaCache(db.sql);

  /** One transaction as `identity`, the way PostgREST opens each request. */
  async function asRole<T>(
    identity: RequestIdentity,
    ctx: RequestContext,
    readOnly: boolean,
    work: (tx: SqlClient) => Promise<T>,
  ): Promise<T> {
    return db.transaction(work, {
      readOnly,
      settings: {
        role: identity.role,
        'request.jwt.claims': JSON.stringify(identity.claims),
        'request.method': ctx.method,
        'request.path': ctx.url.pathname,
        statement_timeout: `${options.statementTimeoutMs}ms`,
      },
    });
  }

  async function callFunction(ctx: RequestContext, identity: RequestIdentity, name: string) {
    let args: RpcArguments;
    if (ctx.method === 'POST') {
      const body = await readJson(ctx);
      const empty = body.text.trim() === '';
      args = {
        isObject: empty || body.shape.kind === 'object',
        keys: body.shape.keys,
        json: empty ? '{}' : body.text,
      };
    } else {
      const query = Object.fromEntries(ctx.url.searchParams);
      args = { isObject: true, keys: new Set(Object.keys(query)), json: JSON.stringify(query) };
    }
    const candidates = await cache.functions(name);
    const fn = chooseFunction(name, candidates, args);
    const readOnly = ctx.method !== 'POST';
    if (readOnly && !fn.readOnly) {
      throw new PostgrestError(
        405,
        '25006',
        `cannot execute ${name} with GET: the function is volatile`,
        null,
        'Call it with POST.',
      );
    }
    const statement = rpcStatement(fn, args, maxResponseBytes, wantsSingleObject(ctx));
    const rows = await asRole(identity, ctx, readOnly, async (tx) => {
      const result = await tx.query<Partial<CappedRows> & { body: string | null; size: number }>(
        statement.sql,
        statement.params,
      );
      return result.rows;
    });
    if (fn.returnsVoid) return sendEmpty(ctx.res, 204);
    const row = rows[0];
    checkResponseSize(Number(row?.size ?? 0), maxResponseBytes, row?.row_count ?? null);
    let body = row?.body ?? 'null';
    if (fn.returnsSet && wantsSingleObject(ctx)) {
      const count = row?.row_count ?? 0;
      if (count !== 1) throw notSingle(count);
      body = row?.first ?? 'null';
    }
    sendBody(ctx, 200, body);
  }

  async function writeTable(
    ctx: RequestContext,
    identity: RequestIdentity,
    table: TableInfo,
    method: 'POST' | 'PATCH' | 'DELETE',
  ) {
    const body = method === 'DELETE' ? null : await readJson(ctx);
    const plan = parseReadPlan(table.name, ctx.url.searchParams, (c) => table.columns.has(c));
    const prefer = header(ctx.req, 'prefer') ?? '';
    const statement = writeStatement(
      method,
      table,
      plan,
      body,
      prefer,
      ctx.url.searchParams.get('on_conflict'),
      maxResponseBytes,
      { representation: /return=representation/.test(prefer), single: wantsSingleObject(ctx) },
    );
    const rows = await asRole(identity, ctx, false, async (tx) => {
      const result = await tx.query<CappedRows>(statement.sql, statement.params);
      return result.rows;
    });
    const row = rows[0]!;
    const count = Number(row.row_count);
    const range = count === 0 ? '*/*' : `0-${count - 1}/*`;
    if (!/return=representation/.test(prefer)) {
      return sendEmpty(ctx.res, method === 'POST' ? 201 : 204, { 'Content-Range': range });
    }
    // The write is committed; only its echo is too large to send.
    checkResponseSize(Number(row.size), maxResponseBytes, count);
    let responseBody = row.body;
    if (wantsSingleObject(ctx)) {
      if (count !== 1) throw notSingle(count);
      responseBody = row.first ?? 'null';
    }
    sendBody(ctx, method === 'POST' ? 201 : 200, responseBody, { 'Content-Range': range });
  }

  async function readTable(ctx: RequestContext, identity: RequestIdentity, name: string) {
    const method = ctx.method;
    if (
      method !== 'GET' &&
      method !== 'HEAD' &&
      method !== 'POST' &&
      method !== 'PATCH' &&
      method !== 'DELETE'
    ) {
      throw new PostgrestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
    }
    const table = await cache.table(name);
    if (!table) {
      throw new PostgrestError(
        404,
        'PGRST205',
        `Could not find the table 'public.${name}' in the schema cache`,
      );
    }
    if (method === 'POST' || method === 'PATCH' || method === 'DELETE') {
      return writeTable(ctx, identity, table, method);
    }
    const plan = parseReadPlan(name, ctx.url.searchParams, (column) => table.columns.has(column));
    const { where, params } = whereClause(table, plan.filters);
    const query = selectQuery(
      table,
      plan,
      where,
      params.length,
      maxResponseBytes,
      wantsSingleObject(ctx),
    );
    const prefer = header(ctx.req, 'prefer') ?? '';
    const exactCount = /count=(exact|planned|estimated)/.test(prefer);
    const { rows, total } = await asRole(identity, ctx, true, async (tx) => {
      const result = await tx.query<CappedRows>(query.sql, [...params, ...query.params]);
      let total: number | null = null;
      if (exactCount) {
        const counted = await tx.query<{ total: number }>(
          `select count(*)::int as total from public.${quoteIdent(table.name)} ${where}`,
          params,
        );
        total = counted.rows[0]?.total ?? 0;
      }
      return { rows: result.rows, total };
    });
    const row = rows[0]!;
    const count = Number(row.row_count);
    checkResponseSize(Number(row.size), maxResponseBytes, count);
    const range =
      count === 0
        ? `*/${total ?? '*'}`
        : `${plan.offset}-${plan.offset + count - 1}/${total ?? '*'}`;
    let body = row.body;
    if (wantsSingleObject(ctx)) {
      if (count !== 1) throw notSingle(count);
      body = row.first ?? 'null';
    }
    if (ctx.method === 'HEAD') return sendEmpty(ctx.res, 200, { 'Content-Range': range });
    sendBody(ctx, 200, body, { 'Content-Range': range });
  }

  /** Routes /rest/v1/<path>. */
  return async function handleRest(ctx: RequestContext, path: string): Promise<void> {
    let identity: RequestIdentity = { role: 'anon', claims: { role: 'anon' } };
    let objectName: string | null = null;
    try {
      identity = await identify(options.jwtSecret, bearerToken(ctx.req));
      checkProfile(ctx);
      const rpc = /^\/rpc\/([^/]+)$/.exec(path);
      const tableMatch = /^\/([^/]+)$/.exec(path);
      if (rpc) {
        objectName = decodeSegment(rpc[1]!);
        if (ctx.method !== 'POST' && ctx.method !== 'GET' && ctx.method !== 'HEAD') {
          throw new PostgrestError(405, 'PGRST117', `Unsupported HTTP method: ${ctx.method}`);
        }
        await callFunction(ctx, identity, objectName);
      } else if (tableMatch) {
        objectName = decodeSegment(tableMatch[1]!);
        await readTable(ctx, identity, objectName);
      } else {
        throw new PostgrestError(404, 'PGRST125', `Invalid path specified in request URL: ${path}`);
      }
    } catch (error) {
      // Before the database check: a PostgrestError has a SQLSTATE-like code too.
      if (error instanceof PostgrestError) return sendPostgrestError(ctx, error);
      if (isDatabaseError(error)) {
        // The object may have changed under a migration: look it up afresh next time.
        if (objectName && ['42883', '42P01', '42703'].includes(error.code))
          cache.forget(objectName);
        return sendPostgrestError(ctx, fromDatabaseError(error, identity.role));
      }
      throw error;
    }
  };
}
