/**
 * PostgREST's `/rest/v1`: `POST|GET /rpc/<function>`, `GET|HEAD /<table>` and the table writes
 * (`POST|PATCH|DELETE /<table>`, rest-write.ts). Each request is
 * one transaction that first sets `role` and `request.jwt.claims` exactly as PostgREST does,
 * so RLS, grants and the functions themselves decide everything. Names are resolved through
 * the schema cache (pg_catalog) and quoted; every value is a bound parameter.
 */
import type { LocalDatabase } from './database.ts';
import type { SqlClient } from './sql-client.ts';
import type { RequestContext } from './http-router.ts';
import { bearerToken, header, readBody, sendEmpty, sendRawJson } from './http-router.ts';
import { PostgrestError, fromDatabaseError, isDatabaseError } from './postgrest-errors.ts';
import type { RequestIdentity } from './request-identity.ts';
import { identify } from './request-identity.ts';
import type { FunctionInfo, TableInfo } from './schema-cache.ts';
import { SchemaCache, quoteIdent } from './schema-cache.ts';
import type { ReadPlan } from './rest-query.ts';
import { parseReadPlan, whereClause } from './rest-query.ts';
import { writeStatement } from './rest-write.ts';

export interface RestOptions {
  db: LocalDatabase;
  jwtSecret: string;
}

const maxBodyBytes = 16 * 1024 * 1024;

export function createRestHandler(options: RestOptions) {
  const { db } = options;
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
      },
    });
  }

  async function callFunction(ctx: RequestContext, identity: RequestIdentity, name: string) {
    let args: unknown;
    if (ctx.method === 'POST') {
      const text = await readBody(ctx.req, maxBodyBytes);
      try {
        args = text.trim() === '' ? {} : JSON.parse(text);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json', reason);
      }
    } else {
      args = Object.fromEntries(ctx.url.searchParams);
    }
    const candidates = await cache.functions(name);
    const { fn, argsJson } = chooseFunction(name, candidates, args);
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
    const call = functionCall(fn, args);
    const sql = fn.returnsSet
      ? `select coalesce(json_agg(_result), '[]')::text as body, count(*)::int as row_count,
                (json_agg(_result) -> 0)::text as first
           from ${call.args ? `${call.args} cross join lateral` : ''} ${call.expression} as _result`
      : fn.returnsVoid
        ? `select (${call.expression})::text as body ${call.args ? `from ${call.args}` : ''}`
        : `select to_json(${call.expression})::text as body ${call.args ? `from ${call.args}` : ''}`;
    const rows = await asRole(identity, ctx, readOnly, async (tx) => {
      const result = await tx.query<{ body: string; row_count?: number; first?: string }>(
        sql,
        call.usesArgs ? [argsJson] : [],
      );
      return result.rows;
    });
    if (fn.returnsVoid) return sendEmpty(ctx.res, 204);
    const row = rows[0];
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
    let body: unknown = null;
    if (method !== 'DELETE') {
      const text = await readBody(ctx.req, maxBodyBytes);
      try {
        body = JSON.parse(text);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json', reason);
      }
    }
    const plan = parseReadPlan(table.name, ctx.url.searchParams, (c) => table.columns.has(c));
    const prefer = header(ctx.req, 'prefer') ?? '';
    const statement = writeStatement(
      method,
      table,
      plan,
      body,
      prefer,
      ctx.url.searchParams.get('on_conflict'),
    );
    const rows = await asRole(identity, ctx, false, async (tx) => {
      const result = await tx.query<{ body: string; row_count: number; first: string | null }>(
        statement.sql,
        statement.params,
      );
      return result.rows;
    });
    const row = rows[0]!;
    const count = Number(row.row_count);
    const range = count === 0 ? '*/*' : `0-${count - 1}/*`;
    if (!/return=representation/.test(prefer)) {
      return sendEmpty(ctx.res, method === 'POST' ? 201 : 204, { 'Content-Range': range });
    }
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
    const query = selectQuery(table, plan, where, params.length);
    const prefer = header(ctx.req, 'prefer') ?? '';
    const exactCount = /count=(exact|planned|estimated)/.test(prefer);
    const { rows, total } = await asRole(identity, ctx, true, async (tx) => {
      const result = await tx.query<{ body: string; row_count: number; first: string | null }>(
        query.sql,
        [...params, ...query.params],
      );
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
        objectName = decodeURIComponent(rpc[1]!);
        if (ctx.method !== 'POST' && ctx.method !== 'GET' && ctx.method !== 'HEAD') {
          throw new PostgrestError(405, 'PGRST117', `Unsupported HTTP method: ${ctx.method}`);
        }
        await callFunction(ctx, identity, objectName);
      } else if (tableMatch) {
        objectName = decodeURIComponent(tableMatch[1]!);
        await readTable(ctx, identity, objectName);
      } else {
        throw new PostgrestError(404, 'PGRST125', `Invalid path specified in request URL: ${path}`);
      }
    } catch (error) {
      if (isDatabaseError(error)) {
        // The object may have changed under a migration: look it up afresh next time.
        if (objectName && ['42883', '42P01', '42703'].includes(error.code))
          cache.forget(objectName);
        return sendPostgrestError(ctx, fromDatabaseError(error, identity.role));
      }
      if (error instanceof PostgrestError) return sendPostgrestError(ctx, error);
      throw error;
    }
  };
}

export function sendPostgrestError(ctx: RequestContext, error: PostgrestError): void {
  sendRawJson(ctx.res, error.status, JSON.stringify(error.body), error.headers);
}

function sendBody(
  ctx: RequestContext,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  if (ctx.method === 'HEAD') return sendEmpty(ctx.res, status, headers);
  sendRawJson(ctx.res, status, body, headers);
}

function wantsSingleObject(ctx: RequestContext): boolean {
  return (header(ctx.req, 'accept') ?? '').includes('application/vnd.pgrst.object+json');
}

function notSingle(count: number): PostgrestError {
  return new PostgrestError(
    406,
    'PGRST116',
    'Cannot coerce the result to a single JSON object',
    `The result contains ${count} rows`,
  );
}

/** supabase-js sends Accept-Profile/Content-Profile when a schema is chosen; only public is served. */
function checkProfile(ctx: RequestContext): void {
  for (const name of ['accept-profile', 'content-profile']) {
    const profile = header(ctx.req, name);
    if (profile !== undefined && profile !== 'public') {
      throw new PostgrestError(
        406,
        'PGRST106',
        'Invalid schema: ' + profile,
        null,
        'Only the following schemas are exposed: public',
      );
    }
  }
}

/**
 * PostgREST's overload resolution: the function whose named arguments include every key sent
 * and whose arguments without defaults were all sent; or the one taking a single unnamed
 * json/jsonb argument, which receives the whole body.
 */
function chooseFunction(
  name: string,
  candidates: FunctionInfo[],
  args: unknown,
): { fn: FunctionInfo; argsJson: string } {
  const isObject = typeof args === 'object' && args !== null && !Array.isArray(args);
  const keys = isObject ? Object.keys(args) : [];
  for (const fn of candidates) {
    const names = fn.args.map((arg) => arg.name);
    const required = names.slice(0, names.length - fn.defaults);
    if (
      isObject &&
      names.every((argName) => argName !== '') &&
      keys.every((key) => names.includes(key)) &&
      required.every((argName) => keys.includes(argName))
    ) {
      return { fn, argsJson: JSON.stringify(args) };
    }
  }
  const single = candidates.find(
    (fn) =>
      fn.args.length === 1 &&
      fn.args[0]!.name === '' &&
      ['json', 'jsonb'].includes(fn.args[0]!.type),
  );
  if (single) return { fn: single, argsJson: JSON.stringify(args) };
  if (!isObject && candidates.length > 0) {
    throw new PostgrestError(
      400,
      'PGRST102',
      'Empty or invalid json',
      `public.${name} takes named arguments: send a JSON object`,
    );
  }
  const listed = keys.join(', ');
  const suggestion = candidates[0];
  throw new PostgrestError(
    404,
    'PGRST202',
    keys.length
      ? `Could not find the function public.${name}(${listed}) in the schema cache`
      : `Could not find the function public.${name} without parameters in the schema cache`,
    `Searched for the function public.${name} with parameters ${listed || '(none)'} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
    suggestion
      ? `Perhaps you meant to call the function public.${name}(${suggestion.args.map((arg) => arg.name).join(', ')})`
      : null,
  );
}

/**
 * `args` yields one row holding the typed arguments (json_to_record casts each JSON value to the
 * argument's catalog type, as PostgREST does); `expression` calls the function with them.
 */
function functionCall(
  fn: FunctionInfo,
  argsSent: unknown,
): { args: string; expression: string; usesArgs: boolean } {
  const target = `public.${quoteIdent(fn.name)}`;
  if (fn.args.length === 1 && fn.args[0]!.name === '') {
    return { args: '', expression: `${target}($1::${fn.args[0]!.type})`, usesArgs: true };
  }
  // Only the arguments sent are passed, so the others keep their defaults.
  const sent = fn.args.filter((arg) => Object.hasOwn(argsSent as object, arg.name));
  if (sent.length === 0) return { args: '', expression: `${target}()`, usesArgs: false };
  const columns = sent.map((arg) => `${quoteIdent(arg.name)} ${arg.type}`).join(', ');
  const named = sent.map((arg) => `${quoteIdent(arg.name)} => _args.${quoteIdent(arg.name)}`);
  return {
    args: `json_to_record($1::json) as _args(${columns})`,
    expression: `${target}(${named.join(', ')})`,
    usesArgs: true,
  };
}

function selectQuery(
  table: TableInfo,
  plan: ReadPlan,
  where: string,
  paramCount: number,
): { sql: string; params: number[] } {
  const columns = plan.columns
    ? plan.columns.map((c) => `${quoteIdent(c.column)} as ${quoteIdent(c.alias)}`).join(', ')
    : '*';
  const order = plan.order.length
    ? 'order by ' +
      plan.order
        .map(
          (term) =>
            `${quoteIdent(term.column)} ${term.descending ? 'desc' : 'asc'}` +
            (term.nulls ? ` nulls ${term.nulls}` : ''),
        )
        .join(', ')
    : '';
  const params: number[] = [];
  let paging = '';
  if (plan.limit !== null) {
    params.push(plan.limit);
    paging += ` limit $${paramCount + params.length}`;
  }
  if (plan.offset > 0) {
    params.push(plan.offset);
    paging += ` offset $${paramCount + params.length}`;
  }
  const sql = `select coalesce(json_agg(_row), '[]')::text as body, count(*)::int as row_count,
                      (json_agg(_row) -> 0)::text as first
                 from (select ${columns} from public.${quoteIdent(table.name)} ${where} ${order}${paging}) _row`;
  return { sql, params };
}
