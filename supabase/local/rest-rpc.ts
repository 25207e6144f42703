/**
 * PostgREST's `/rpc/<function>`: which overload a call means (from the argument names sent)
 * and the SQL that calls it with the arguments typed as the catalog says, answering its result
 * as JSON text within the response size cap.
 */
import { PostgrestError } from './postgrest-errors.ts';
import type { FunctionInfo } from './schema-cache.ts';
import { quoteIdent } from './schema-cache.ts';
import { cappedJsonArray, cappedJsonValue } from './response-size.ts';

/** What the caller sent: an object's keys, or something that is not an object. */
export interface RpcArguments {
  isObject: boolean;
  keys: Set<string>;
  /** The arguments as JSON text, passed to Postgres as one parameter. */
  json: string;
}

/**
 * PostgREST's overload resolution: the function whose named arguments include every key sent
 * and whose arguments without defaults were all sent; or the one taking a single unnamed
 * json/jsonb argument, which receives the whole body.
 */
export function chooseFunction(
  name: string,
  candidates: FunctionInfo[],
  args: RpcArguments,
): FunctionInfo {
  const keys = [...args.keys];
  for (const fn of candidates) {
    const names = fn.args.map((arg) => arg.name);
    const required = names.slice(0, names.length - fn.defaults);
    if (
      args.isObject &&
      names.every((argName) => argName !== '') &&
      keys.every((key) => names.includes(key)) &&
      required.every((argName) => args.keys.has(argName))
    ) {
      return fn;
    }
  }
  const single = candidates.find(
    (fn) =>
      fn.args.length === 1 &&
      fn.args[0]!.name === '' &&
      ['json', 'jsonb'].includes(fn.args[0]!.type),
  );
  if (single) return single;
  if (!args.isObject && candidates.length > 0) {
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
  sent: Set<string>,
): { args: string; expression: string; usesArgs: boolean } {
  const target = `public.${quoteIdent(fn.name)}`;
  if (fn.args.length === 1 && fn.args[0]!.name === '') {
    return { args: '', expression: `${target}($1::${fn.args[0]!.type})`, usesArgs: true };
  }
  // Only the arguments sent are passed, so the others keep their defaults.
  const passed = fn.args.filter((arg) => sent.has(arg.name));
  if (passed.length === 0) return { args: '', expression: `${target}()`, usesArgs: false };
  const columns = passed.map((arg) => `${quoteIdent(arg.name)} ${arg.type}`).join(', ');
  const named = passed.map((arg) => `${quoteIdent(arg.name)} => _args.${quoteIdent(arg.name)}`);
  return {
    args: `json_to_record($1::json) as _args(${columns})`,
    expression: `${target}(${named.join(', ')})`,
    usesArgs: true,
  };
}

/**
 * The call as one statement answering `body` (JSON text, null when over the cap) and `size`,
 * plus `row_count` and `first` for set-returning functions. Parameters: the arguments' JSON
 * (when used) and the cap, whose placeholder is returned.
 */
export function rpcStatement(
  fn: FunctionInfo,
  args: RpcArguments,
  maxResponseBytes: number,
  withFirst: boolean,
): { sql: string; params: unknown[] } {
  const call = functionCall(fn, args.keys);
  const params: unknown[] = call.usesArgs ? [args.json] : [];
  if (fn.returnsVoid) {
    return {
      sql: `select (${call.expression})::text as body, 0 as size ${call.args ? `from ${call.args}` : ''}`,
      params,
    };
  }
  params.push(maxResponseBytes);
  const cap = `$${params.length}`;
  const sql = fn.returnsSet
    ? cappedJsonArray(
        `select to_json(_result)::text as _json
           from ${call.args ? `${call.args} cross join lateral` : ''} ${call.expression} as _result`,
        cap,
        withFirst,
      )
    : cappedJsonValue(
        `to_json(${call.expression})::text`,
        call.args ? `from ${call.args}` : '',
        cap,
      );
  return { sql, params };
}
