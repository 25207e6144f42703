/**
 * The subset of Supabase Realtime that supabase-js's RealtimeClient needs for
 * `channel(name).on('postgres_changes', {event, schema: 'public', table, filter?}, cb)`:
 * Phoenix channels over a WebSocket at /realtime/v1/websocket (serializer vsn 1.0.0 and 2.0.0,
 * both JSON text frames `[join_ref, ref, topic, event, payload]`), phx_join with access_token
 * and config.postgres_changes answered with the binding ids, heartbeat, access_token updates,
 * phx_leave, and `postgres_changes` messages. Changes come from triggers that NOTIFY keys only
 * (realtime-triggers.sql); each row is read back inside a transaction as the subscriber's own
 * role and claims, so a client hears only of rows RLS lets it see.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { LocalDatabase } from './database.ts';
import type { ApiKeys } from './api-keys.ts';
import { checkApiKey } from './api-keys.ts';
import type { RequestIdentity } from './request-identity.ts';
import { identify } from './request-identity.ts';
import { PostgrestError, isDatabaseError } from './postgrest-errors.ts';
import { quoteIdent } from './schema-cache.ts';

export const changeChannel = 'flowkeep_realtime';

interface Change {
  table: string;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  /** The primary key columns and values. */
  key: Record<string, unknown>;
  tenant_id: string | null;
  user_id: string | null;
}

/** The primary key of a table, as pg_catalog says: names and types, in key order. */
type KeyColumns = { name: string; type: string }[];

function keyString(key: KeyColumns, row: Record<string, unknown>): string {
  return JSON.stringify(key.map((column) => String(row[column.name])));
}

interface Binding {
  id: number;
  event: string;
  schema: string;
  table?: string;
  filter?: string;
}

interface JoinedChannel {
  topic: string;
  joinRef: string;
  identity: RequestIdentity;
  bindings: Binding[];
}

interface Connection {
  socket: WebSocket;
  apiKey: string;
  channels: Map<string, JoinedChannel>;
  /** When the client last sent anything (heartbeats every 25 s with supabase-js). */
  lastSeen: number;
}

/** As Phoenix does, drop a socket that has been silent this long: its client is gone. */
const silenceLimitMs = 60_000;

type Frame = [string | null, string | null, string, string, unknown];

export interface RealtimeOptions {
  db: LocalDatabase;
  jwtSecret: string;
  apiKeys: ApiKeys;
}

export function createRealtime(options: RealtimeOptions) {
  const { db } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const connections = new Set<Connection>();
  let pending: Change[] = [];
  let flushing = false;
  let silenceCheck: NodeJS.Timeout | null = null;
  let nextBindingId = Math.floor(Math.random() * 1_000_000);

  function send(connection: Connection, frame: Frame): void {
    if (connection.socket.readyState === connection.socket.OPEN) {
      connection.socket.send(JSON.stringify(frame));
    }
  }

  function reply(connection: Connection, frame: Frame, status: 'ok' | 'error', response: object) {
    send(connection, [frame[0], frame[1], frame[2], 'phx_reply', { status, response }]);
  }

  async function handleFrame(connection: Connection, frame: Frame): Promise<void> {
    const [joinRef, , topic, event, payload] = frame;
    if (topic === 'phoenix' && event === 'heartbeat') return reply(connection, frame, 'ok', {});
    const body = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<
      string,
      unknown
    >;
    if (event === 'phx_join') return join(connection, frame, body);
    const channel = connection.channels.get(topic);
    if (!channel || (joinRef !== null && joinRef !== channel.joinRef)) {
      return reply(connection, frame, 'error', { reason: 'unmatched topic' });
    }
    if (event === 'phx_leave') {
      connection.channels.delete(topic);
      return reply(connection, frame, 'ok', {});
    }
    if (event === 'access_token') {
      try {
        channel.identity = await identify(options.jwtSecret, tokenOf(body, connection));
      } catch (error) {
        closeChannel(connection, channel, reasonOf(error));
      }
      return;
    }
    reply(connection, frame, 'error', {
      reason: `The local server supports postgres_changes only, not "${event}"`,
    });
  }

  async function join(connection: Connection, frame: Frame, payload: Record<string, unknown>) {
    const [joinRef, , topic] = frame;
    let identity: RequestIdentity;
    try {
      identity = await identify(options.jwtSecret, tokenOf(payload, connection));
    } catch (error) {
      return reply(connection, frame, 'error', { reason: reasonOf(error) });
    }
    const config = (payload.config ?? {}) as Record<string, unknown>;
    const requested = Array.isArray(config.postgres_changes) ? config.postgres_changes : [];
    const bindings: Binding[] = [];
    for (const raw of requested as Record<string, unknown>[]) {
      const binding: Binding = {
        id: nextBindingId++,
        event:
          String(raw.event ?? '*').toUpperCase() === '*' ? '*' : String(raw.event).toUpperCase(),
        schema: String(raw.schema ?? 'public'),
      };
      if (typeof raw.table === 'string') binding.table = raw.table;
      if (typeof raw.filter === 'string') binding.filter = raw.filter;
      if (binding.schema !== 'public') {
        return reply(connection, frame, 'error', {
          reason: `Only schema public is served by the local server, not "${binding.schema}"`,
        });
      }
      if (binding.filter !== undefined && parseFilter(binding.filter) === null) {
        return reply(connection, frame, 'error', {
          reason: `Unsupported filter "${binding.filter}": use column=eq|neq|lt|lte|gt|gte|in.value`,
        });
      }
      // The client matches the reply against what it sent, event included, so echo it.
      bindings.push({ ...binding, event: String(raw.event ?? '*') });
    }
    connection.channels.set(topic, { topic, joinRef: joinRef ?? '', identity, bindings });
    reply(connection, frame, 'ok', { postgres_changes: bindings });
    if (bindings.length > 0) {
      send(connection, [
        joinRef,
        null,
        topic,
        'system',
        {
          message: 'Subscribed to PostgreSQL',
          status: 'ok',
          extension: 'postgres_changes',
          channel: topic.replace(/^realtime:/, ''),
        },
      ]);
    }
    const presence = config.presence as { enabled?: boolean } | undefined;
    if (presence?.enabled) send(connection, [joinRef, null, topic, 'presence_state', {}]);
  }

  function closeChannel(connection: Connection, channel: JoinedChannel, message: string) {
    connection.channels.delete(channel.topic);
    send(connection, [
      channel.joinRef,
      null,
      channel.topic,
      'system',
      {
        message,
        status: 'error',
        extension: 'system',
        channel: channel.topic.replace(/^realtime:/, ''),
      },
    ]);
    send(connection, [channel.joinRef, channel.joinRef, channel.topic, 'phx_close', {}]);
  }

  function tokenOf(payload: Record<string, unknown>, connection: Connection): string {
    return typeof payload.access_token === 'string' && payload.access_token !== ''
      ? payload.access_token
      : connection.apiKey;
  }

  /** Called for each NOTIFY; changes committed together are delivered in one round. */
  function onNotify(text: string): void {
    try {
      pending.push(JSON.parse(text) as Change);
    } catch {
      return;
    }
    if (!flushing) {
      flushing = true;
      setImmediate(() => void flush());
    }
  }

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const changes = pending;
      pending = [];
      try {
        await deliver(changes);
      } catch (error) {
        console.error(
          `Realtime delivery failed: ${error instanceof Error ? error.message : error}`,
        );
      }
    }
    flushing = false;
  }

  async function deliver(changes: Change[]): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    // Group the listening channels by table and by identity: one read per (identity, table).
    const byTable = new Map<string, Change[]>();
    for (const change of changes) {
      const list = byTable.get(change.table) ?? [];
      list.push(change);
      byTable.set(change.table, list);
    }
    for (const [table, tableChanges] of byTable) {
      const audiences = new Map<
        string,
        { identity: RequestIdentity; targets: [Connection, JoinedChannel, Binding[]][] }
      >();
      for (const connection of connections) {
        for (const channel of [...connection.channels.values()]) {
          const exp = channel.identity.claims.exp;
          if (typeof exp === 'number' && exp <= now) {
            closeChannel(connection, channel, 'Token has expired: send a fresh access_token');
            continue;
          }
          const matching = channel.bindings.filter(
            (b) => b.table === undefined || b.table === '*' || b.table === table,
          );
          if (matching.length === 0) continue;
          const audienceKey = JSON.stringify(channel.identity.claims);
          const audience = audiences.get(audienceKey) ?? {
            identity: channel.identity,
            targets: [],
          };
          audience.targets.push([connection, channel, matching]);
          audiences.set(audienceKey, audience);
        }
      }
      if (audiences.size === 0) continue;
      const key = await keyColumns(table);
      if (!key) continue;
      for (const audience of audiences.values()) {
        let visible: Awaited<ReturnType<typeof visibleRows>>;
        try {
          visible = await visibleRows(audience.identity, table, key, tableChanges);
        } catch (error) {
          // A role without SELECT on the table (anon, usually) simply sees nothing of it.
          if (isDatabaseError(error) && error.code === '42501') continue;
          keyCache.delete(table);
          throw error;
        }
        const subject = audience.identity.claims.sub;
        for (const change of tableChanges) {
          const record = visible.rows.get(keyString(key, change.key));
          // A deleted row cannot be read back: announce its key to whoever can see its
          // tenant, and to the user it was about (a member learns of their own removal).
          const deleteSeen =
            change.type === 'DELETE' &&
            ((change.tenant_id !== null && visible.tenants.has(change.tenant_id)) ||
              (change.user_id !== null && change.user_id === subject));
          if (!record && !deleteSeen) continue;
          const keyRecord = { ...change.key };
          const filterable = record ?? {
            ...keyRecord,
            tenant_id: change.tenant_id,
            user_id: change.user_id,
          };
          for (const [connection, channel, bindings] of audience.targets) {
            const ids = bindings
              .filter(
                (b) =>
                  (b.event === '*' || b.event.toUpperCase() === change.type) &&
                  matchesFilter(b.filter, filterable),
              )
              .map((b) => b.id);
            if (ids.length === 0) continue;
            const recordValue = record ?? {};
            send(connection, [
              null,
              null,
              channel.topic,
              'postgres_changes',
              {
                ids,
                data: {
                  schema: 'public',
                  table,
                  commit_timestamp: new Date().toISOString(),
                  type: change.type,
                  columns: Object.keys(change.type === 'DELETE' ? keyRecord : recordValue).map(
                    (name) => ({ name, type: 'text' }),
                  ),
                  record: change.type === 'DELETE' ? {} : recordValue,
                  old_record: change.type === 'INSERT' ? {} : keyRecord,
                  errors: null,
                },
              },
            ]);
          }
        }
      }
    }
  }

  const keyCache = new Map<string, KeyColumns | null>();

  async function keyColumns(table: string): Promise<KeyColumns | null> {
    if (keyCache.has(table)) return keyCache.get(table)!;
    const result = await db.sql.query<{ name: string; type: string }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
         from pg_catalog.pg_index i
         cross join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
         join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = to_regclass($1) and i.indisprimary
        order by k.ord`,
      [`public.${quoteIdent(table)}`],
    );
    const key = result.rows.length > 0 ? result.rows : null;
    keyCache.set(table, key);
    return key;
  }

  /**
   * Reads the changed rows as the subscriber (role and claims set as for a REST request), so
   * RLS filters them; for deletes, whose rows are gone, asks which of their tenants the
   * subscriber can see.
   */
  async function visibleRows(
    identity: RequestIdentity,
    table: string,
    key: KeyColumns,
    changes: Change[],
  ) {
    const keys = changes.filter((c) => c.type !== 'DELETE').map((c) => c.key);
    const tenants = [
      ...new Set(
        changes.filter((c) => c.type === 'DELETE' && c.tenant_id).map((c) => c.tenant_id!),
      ),
    ];
    const settings = { role: identity.role, 'request.jwt.claims': JSON.stringify(identity.claims) };
    const columns = key.map((column) => `t.${quoteIdent(column.name)}`).join(', ');
    // Typed key values from the JSON list, so the primary key index answers the lookup.
    const wanted = key
      .map((column) => `(wanted ->> ${quoteLiteral(column.name)})::${column.type}`)
      .join(', ');
    return db.transaction(
      async (tx) => {
        const rows = new Map<string, Record<string, unknown>>();
        if (keys.length > 0) {
          const result = await tx.query<{ record: string }>(
            `select to_jsonb(t)::text as record from public.${quoteIdent(table)} t
              where (${columns}) in (select ${wanted} from jsonb_array_elements($1::jsonb) wanted)`,
            [JSON.stringify(keys)],
          );
          for (const row of result.rows) {
            const record = JSON.parse(row.record) as Record<string, unknown>;
            rows.set(keyString(key, record), record);
          }
        }
        const visibleTenants = new Set<string>();
        if (tenants.length > 0) {
          const hasTenants = await tx.query<{ present: boolean }>(
            `select to_regclass('public.tenants') is not null as present`,
          );
          if (hasTenants.rows[0]?.present) {
            const result = await tx.query<{ id: string }>(
              `select id::text as id from public.tenants
                where id in (select value::uuid from jsonb_array_elements_text($1::jsonb))`,
              [JSON.stringify(tenants)],
            );
            for (const row of result.rows) visibleTenants.add(row.id);
          }
        }
        return { rows, tenants: visibleTenants };
      },
      { readOnly: true, settings },
    );
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const check = checkApiKey(options.apiKeys, req, url);
    if (!check.ok) {
      const body = JSON.stringify(check.body);
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = {
        socket: ws,
        apiKey: check.key,
        channels: new Map(),
        lastSeen: Date.now(),
      };
      connections.add(connection);
      ws.on('message', (data, isBinary) => {
        connection.lastSeen = Date.now();
        if (isBinary) return;
        let frame: Frame;
        try {
          const parsed: unknown = JSON.parse(data.toString());
          frame = toFrame(parsed);
        } catch {
          return;
        }
        handleFrame(connection, frame).catch((error: unknown) => {
          console.error(`Realtime: ${error instanceof Error ? error.message : error}`);
        });
      });
      ws.on('close', () => connections.delete(connection));
      ws.on('error', () => connections.delete(connection));
    });
  }

  return {
    handleUpgrade,
    async start(): Promise<void> {
      await db.listen(changeChannel, onNotify);
      silenceCheck = setInterval(() => {
        const cutoff = Date.now() - silenceLimitMs;
        for (const connection of connections) {
          if (connection.lastSeen < cutoff) {
            connection.socket.terminate();
            connections.delete(connection);
          }
        }
      }, silenceLimitMs / 2);
      silenceCheck.unref();
    },
    async close(): Promise<void> {
      if (silenceCheck) clearInterval(silenceCheck);
      for (const connection of connections) connection.socket.close(1001, 'server shutting down');
      connections.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      // Let a delivery round in progress finish before the database closes.
      while (flushing) await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}

/** vsn 2.0.0 sends arrays; vsn 1.0.0 sends objects. */
function toFrame(parsed: unknown): Frame {
  if (
    Array.isArray(parsed) &&
    parsed.length === 5 &&
    typeof parsed[2] === 'string' &&
    typeof parsed[3] === 'string'
  ) {
    return [nullableString(parsed[0]), nullableString(parsed[1]), parsed[2], parsed[3], parsed[4]];
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const message = parsed as Record<string, unknown>;
    if (typeof message.topic === 'string' && typeof message.event === 'string') {
      return [
        nullableString(message.join_ref),
        nullableString(message.ref),
        message.topic,
        message.event,
        message.payload,
      ];
    }
  }
  throw new Error('not a Phoenix message');
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function reasonOf(error: unknown): string {
  if (error instanceof PostgrestError) return `Invalid token: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

type RealtimeFilter = { column: string; operator: string; value: string | string[] };

function parseFilter(filter: string): RealtimeFilter | null {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(eq|neq|lt|lte|gt|gte|in)\.(.*)$/.exec(filter);
  if (!match) return null;
  const [, column, operator, raw] = match as unknown as [string, string, string, string];
  if (operator === 'in') {
    const list = /^\((.*)\)$/.exec(raw);
    if (!list) return null;
    return {
      column,
      operator,
      value: list[1]!.split(',').map((v) => v.trim().replace(/^"|"$/g, '')),
    };
  }
  return { column, operator, value: raw };
}

function matchesFilter(
  filter: string | undefined,
  record: Record<string, unknown> | undefined,
): boolean {
  if (filter === undefined) return true;
  if (record === undefined) return false;
  const parsed = parseFilter(filter);
  if (!parsed) return false;
  const raw = record[parsed.column];
  const actual =
    raw === null || raw === undefined
      ? null
      : typeof raw === 'object'
        ? JSON.stringify(raw)
        : String(raw);
  if (actual === null) return false;
  if (parsed.operator === 'in') return (parsed.value as string[]).includes(actual);
  const expected = parsed.value as string;
  const numeric = Number(actual) - Number(expected);
  const compared = Number.isNaN(numeric) ? actual.localeCompare(expected) : numeric;
  switch (parsed.operator) {
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'lt':
      return compared < 0;
    case 'lte':
      return compared <= 0;
    case 'gt':
      return compared > 0;
    default:
      return compared >= 0;
  }
}
