/**
 * The subset of Supabase Realtime that supabase-js's RealtimeClient needs for
 * `channel(name).on('postgres_changes', {event, schema: 'public', table, filter?}, cb)`:
 * Phoenix channels over a WebSocket at /realtime/v1/websocket (realtime-frames.ts), phx_join
 * with access_token and config.postgres_changes answered with the binding ids, heartbeat,
 * access_token updates, phx_leave, and `postgres_changes` messages (realtime-delivery.ts).
 * Changes come from triggers that NOTIFY keys only (realtime-triggers.sql); each row is checked
 * as the subscriber's own role and claims (realtime-visibility.ts), so a client hears only of
 * rows RLS lets it see. This module owns the sockets, channels and the NOTIFY queue.
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
import { PostgrestError } from './postgrest-errors.ts';
import type { Binding, JoinedChannel, Subscriber } from './realtime-delivery.ts';
import { deliver } from './realtime-delivery.ts';
import { filterHelp, parseRealtimeFilter } from './realtime-filters.ts';
import type { Frame } from './realtime-frames.ts';
import { replyTo, systemFrame, toFrame } from './realtime-frames.ts';
import type { Change } from './realtime-visibility.ts';
import { createVisibility } from './realtime-visibility.ts';

export const changeChannel = 'flowkeep_realtime';

interface Connection extends Subscriber {
  socket: WebSocket;
  apiKey: string;
  channels: Map<string, JoinedChannel>;
  /** When the client last sent anything (heartbeats every 25 s with supabase-js). */
  lastSeen: number;
}

/** As Phoenix does, drop a socket that has been silent this long: its client is gone. */
const silenceLimitMs = 60_000;

export interface RealtimeOptions {
  db: LocalDatabase;
  jwtSecret: string;
  apiKeys: ApiKeys;
  statementTimeoutMs: number;
}

export function createRealtime(options: RealtimeOptions) {
  const { db } = options;
  const visibility = createVisibility(db, options.statementTimeoutMs);
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
    send(connection, replyTo(frame, status, response));
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
      const parsedFilter =
        binding.filter === undefined ? undefined : parseRealtimeFilter(binding.filter);
      if (parsedFilter === null) {
        return reply(connection, frame, 'error', {
          reason: `Unsupported filter "${binding.filter}": ${filterHelp}`,
        });
      }
      // The client matches the reply against what it sent, event included, so echo it.
      bindings.push({ ...binding, event: String(raw.event ?? '*') });
      if (parsedFilter) bindings[bindings.length - 1]!.parsedFilter = parsedFilter;
    }
    connection.channels.set(topic, { topic, joinRef: joinRef ?? '', identity, bindings });
    // The reply echoes the bindings as sent (without the parsed filter).
    const echoed = bindings.map(({ parsedFilter: _parsed, ...binding }) => binding);
    reply(connection, frame, 'ok', { postgres_changes: echoed });
    if (bindings.length > 0) {
      send(
        connection,
        systemFrame(joinRef, topic, 'ok', 'Subscribed to PostgreSQL', 'postgres_changes'),
      );
    }
    const presence = config.presence as { enabled?: boolean } | undefined;
    if (presence?.enabled) send(connection, [joinRef, null, topic, 'presence_state', {}]);
  }

  function closeChannel(connection: Connection, channel: JoinedChannel, message: string) {
    connection.channels.delete(channel.topic);
    send(connection, systemFrame(channel.joinRef, channel.topic, 'error', message, 'system'));
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
        await deliver(changes, connections, visibility);
      } catch (error) {
        console.error(
          `Realtime delivery failed: ${error instanceof Error ? error.message : error}`,
        );
      }
    }
    flushing = false;
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
        send: (frame) => send(connection, frame),
        close: (channel, message) => closeChannel(connection, channel, message),
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

function reasonOf(error: unknown): string {
  if (error instanceof PostgrestError) return `Invalid token: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
