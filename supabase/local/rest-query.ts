/**
 * Parses the part of PostgREST's URL grammar the app uses to read tables — `select`, filters
 * (`eq`, `neq`, `gt`, `gte`, `lt`, `lte`, `like`, `ilike`, `is`, `in`, each optionally
 * negated with `not.`), `order`, `limit`, `offset` — into a plan whose identifiers are checked
 * against the table's columns and whose values are bound parameters, never SQL text.
 */
import { PostgrestError, badQuery } from './postgrest-errors.ts';
import type { TableInfo } from './schema-cache.ts';
import { quoteIdent } from './schema-cache.ts';
import { cappedJsonArray } from './response-size.ts';

export type FilterOperator =
  'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'is' | 'in';

export interface Filter {
  column: string;
  operator: FilterOperator;
  negated: boolean;
  /** `in`: the list; `is`: null/true/false/unknown; others: the raw text value. */
  value: string | string[];
}

export interface OrderTerm {
  column: string;
  descending: boolean;
  nulls: 'first' | 'last' | null;
}

export interface ReadPlan {
  /** null means `*`. */
  columns: { column: string; alias: string }[] | null;
  filters: Filter[];
  order: OrderTerm[];
  limit: number | null;
  offset: number;
}

const operators: readonly string[] = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'is',
  'in',
];
const reserved = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict']);
const identifier = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export function parseReadPlan(
  table: string,
  params: URLSearchParams,
  columnExists: (column: string) => boolean,
): ReadPlan {
  const checkColumn = (column: string) => {
    if (!columnExists(column)) {
      throw new PostgrestError(400, '42703', `column ${table}.${column} does not exist`);
    }
    return column;
  };
  const plan: ReadPlan = { columns: null, filters: [], order: [], limit: null, offset: 0 };

  const select = params.get('select');
  if (select !== null && select.trim() !== '' && select.trim() !== '*') {
    plan.columns = select.split(',').map((item) => {
      const term = item.trim();
      const match = /^(?:([^:]+):)?([^:]+)$/.exec(term);
      const alias = match?.[1]?.trim();
      const column = match?.[2]?.trim() ?? '';
      if (!match || !identifier.test(column) || (alias !== undefined && !identifier.test(alias))) {
        throw badQuery(
          `"failed to parse select parameter (${select})"`,
          `Only plain columns and "alias:column" are supported by the local server, not "${term}"`,
        );
      }
      return { column: checkColumn(column), alias: alias ?? column };
    });
    // Naming a column twice (under any alias) only multiplies the response: a 15 MiB field
    // named forty times made one response beyond what the server can hold.
    const seen = new Set<string>();
    for (const { column, alias } of plan.columns) {
      if (seen.has(column) || seen.has(`alias:${alias}`)) {
        throw badQuery(
          `"failed to parse select parameter (${select})"`,
          `"${column}" is selected more than once: name each column once`,
        );
      }
      seen.add(column);
      seen.add(`alias:${alias}`);
    }
  }

  for (const [key, raw] of params) {
    if (reserved.has(key)) continue;
    if (key === 'and' || key === 'or' || key.endsWith('.and') || key.endsWith('.or')) {
      throw badQuery(
        `"failed to parse logic tree (${raw})"`,
        'and/or filters are not supported by the local server',
      );
    }
    plan.filters.push(parseFilter(checkColumn(parseColumnName(key)), raw));
  }

  const order = params.get('order');
  if (order !== null && order.trim() !== '') {
    plan.order = order.split(',').map((term) => {
      const [column = '', ...modifiers] = term.trim().split('.');
      const result: OrderTerm = {
        column: checkColumn(parseColumnName(column)),
        descending: false,
        nulls: null,
      };
      for (const modifier of modifiers) {
        if (modifier === 'asc' || modifier === 'desc') result.descending = modifier === 'desc';
        else if (modifier === 'nullsfirst' || modifier === 'nullslast') {
          result.nulls = modifier === 'nullsfirst' ? 'first' : 'last';
        } else
          throw badQuery(
            `"failed to parse order (${order})"`,
            `Unknown order modifier "${modifier}"`,
          );
      }
      return result;
    });
  }

  const limit = params.get('limit');
  if (limit !== null) plan.limit = parseCount('limit', limit);
  const offset = params.get('offset');
  if (offset !== null) plan.offset = parseCount('offset', offset);
  return plan;
}

function parseColumnName(name: string): string {
  if (!identifier.test(name)) {
    throw badQuery(`"failed to parse filter (${name})"`, `"${name}" is not a column name`);
  }
  return name;
}

function parseCount(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    throw badQuery(
      `"failed to parse ${name} parameter (${value})"`,
      `${name} must be a non-negative integer`,
    );
  }
  return Number(value);
}

/** One filter's `[not.]operator.value` for `column` (shared with Realtime's filters). */
export function parseFilter(column: string, raw: string): Filter {
  let rest = raw;
  let negated = false;
  if (rest.startsWith('not.')) {
    negated = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const operator = dot < 0 ? rest : rest.slice(0, dot);
  if (dot < 0 || !operators.includes(operator)) {
    throw badQuery(
      `"failed to parse filter (${raw})" (line 1, column 1)`,
      `Unknown or missing operator in "${raw}"`,
    );
  }
  const value = rest.slice(dot + 1);
  if (operator === 'in') {
    return { column, operator, negated, value: parseList(raw, value) };
  }
  if (operator === 'is') {
    const lowered = value.toLowerCase();
    if (!['null', 'true', 'false', 'unknown'].includes(lowered)) {
      throw badQuery(
        `"failed to parse filter (${raw})"`,
        '"is" accepts null, true, false or unknown',
      );
    }
    return { column, operator, negated, value: lowered };
  }
  return { column, operator: operator as FilterOperator, negated, value };
}

/** `(a,b,"c,d")`: PostgREST's list, where double quotes protect commas and parentheses. */
function parseList(raw: string, value: string): string[] {
  if (!value.startsWith('(') || !value.endsWith(')')) {
    throw badQuery(`"failed to parse filter (${raw})"`, 'An "in" list must be written (a,b,c)');
  }
  const body = value.slice(1, -1);
  const items: string[] = [];
  let current = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (quoted) {
      if (char === '\\' && i + 1 < body.length) current += body[++i];
      else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (char === ',') {
      items.push(wasQuoted ? current : current.trim());
      current = '';
      wasQuoted = false;
    } else current += char;
  }
  if (quoted) throw badQuery(`"failed to parse filter (${raw})"`, 'Unterminated quote in list');
  if (body !== '' || wasQuoted) items.push(wasQuoted ? current : current.trim());
  return items;
}

/** The filters as a WHERE clause over the table's own columns, values as $1… parameters. */
export function whereClause(
  table: TableInfo,
  filters: Filter[],
): { where: string; params: string[] } {
  const params: string[] = [];
  const conditions = filters.map((filter) => {
    const column = quoteIdent(filter.column);
    const type = table.columns.get(filter.column)!;
    let condition: string;
    if (filter.operator === 'is') {
      condition = `${column} is ${filter.value as string}`;
    } else if (filter.operator === 'in') {
      params.push(JSON.stringify(filter.value));
      condition = `${column} = any (array(select json_array_elements_text($${params.length}::json))::${type}[])`;
    } else if (filter.operator === 'like' || filter.operator === 'ilike') {
      params.push((filter.value as string).replace(/\*/g, '%'));
      condition = `${column}::text ${filter.operator} $${params.length}`;
    } else {
      const sqlOperator = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }[
        filter.operator
      ];
      params.push(filter.value as string);
      condition = `${column} ${sqlOperator} $${params.length}::${type}`;
    }
    return filter.negated ? `not (${condition})` : condition;
  });
  return { where: conditions.length ? `where ${conditions.join(' and ')}` : '', params };
}

/** The read as one statement answering {@link CappedRows}; parameters follow the filters'. */
export function selectQuery(
  table: TableInfo,
  plan: ReadPlan,
  where: string,
  paramCount: number,
  maxResponseBytes: number,
  withFirst: boolean,
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
  params.push(maxResponseBytes);
  const rows = `select to_json(_row)::text as _json
                  from (select ${columns} from public.${quoteIdent(table.name)} ${where} ${order}${paging}) _row`;
  return { sql: cappedJsonArray(rows, `$${paramCount + params.length}`, withFirst), params };
}
