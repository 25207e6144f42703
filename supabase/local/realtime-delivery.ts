/**
 * One round of Realtime delivery: the changes committed together, grouped by table, read back
 * once per (identity, table) through realtime-visibility.ts, and sent as `postgres_changes` to
 * every binding whose event and filter match. Channels whose token has expired are closed
 * instead.
 */
import { isDatabaseError } from './postgrest-errors.ts';
import type { Filter } from './rest-query.ts';
import type { RequestIdentity } from './request-identity.ts';
import { matchesFilter } from './realtime-filters.ts';
import type { Frame } from './realtime-frames.ts';
import type { Change, Visible, createVisibility } from './realtime-visibility.ts';
import { keyString } from './realtime-visibility.ts';

export interface Binding {
  id: number;
  event: string;
  schema: string;
  table?: string;
  filter?: string;
  parsedFilter?: Filter;
}

export interface JoinedChannel {
  topic: string;
  joinRef: string;
  identity: RequestIdentity;
  bindings: Binding[];
}

export interface Subscriber {
  channels: Map<string, JoinedChannel>;
  send(frame: Frame): void;
  close(channel: JoinedChannel, message: string): void;
}

type Audience = { identity: RequestIdentity; targets: [Subscriber, JoinedChannel, Binding[]][] };

/** The channels listening to `table`, grouped by identical claims. */
function audiencesOf(subscribers: Iterable<Subscriber>, table: string): Map<string, Audience> {
  const now = Math.floor(Date.now() / 1000);
  const audiences = new Map<string, Audience>();
  for (const subscriber of subscribers) {
    for (const channel of [...subscriber.channels.values()]) {
      const exp = channel.identity.claims.exp;
      if (typeof exp === 'number' && exp <= now) {
        subscriber.close(channel, 'Token has expired: send a fresh access_token');
        continue;
      }
      const matching = channel.bindings.filter(
        (b) => b.table === undefined || b.table === '*' || b.table === table,
      );
      if (matching.length === 0) continue;
      const audienceKey = JSON.stringify(channel.identity.claims);
      const audience = audiences.get(audienceKey) ?? { identity: channel.identity, targets: [] };
      audience.targets.push([subscriber, channel, matching]);
      audiences.set(audienceKey, audience);
    }
  }
  return audiences;
}

export async function deliver(
  changes: Change[],
  subscribers: Iterable<Subscriber>,
  visibility: ReturnType<typeof createVisibility>,
): Promise<void> {
  const byTable = new Map<string, Change[]>();
  for (const change of changes) {
    const list = byTable.get(change.table) ?? [];
    list.push(change);
    byTable.set(change.table, list);
  }
  for (const [table, tableChanges] of byTable) {
    const audiences = audiencesOf(subscribers, table);
    if (audiences.size === 0) continue;
    const key = await visibility.keyColumns(table);
    if (!key) continue;
    for (const audience of audiences.values()) {
      let visible: Visible;
      try {
        visible = await visibility.visibleRows(audience.identity, table, key, tableChanges);
      } catch (error) {
        // A role without SELECT on the table (anon, usually) simply sees nothing of it.
        if (isDatabaseError(error) && error.code === '42501') continue;
        visibility.forget(table);
        throw error;
      }
      for (const change of tableChanges) announce(table, change, key, visible, audience);
    }
  }
}

function announce(
  table: string,
  change: Change,
  key: Parameters<typeof keyString>[0],
  visible: Visible,
  audience: Audience,
): void {
  const changeKey = keyString(key, change.key);
  const record = visible.rows.get(changeKey);
  // A deleted row: heard by whoever its read policies let read it, and by the user it was
  // about (a member learns of their own removal).
  const deleteSeen =
    change.type === 'DELETE' &&
    (visible.deleted.has(changeKey) ||
      (change.user_id !== null && change.user_id === audience.identity.claims.sub));
  if (!record && !deleteSeen) return;
  const keyRecord = { ...change.key };
  const filterable = record ?? {
    ...keyRecord,
    tenant_id: change.tenant_id,
    user_id: change.user_id,
  };
  for (const [subscriber, channel, bindings] of audience.targets) {
    const ids = bindings
      .filter(
        (b) =>
          (b.event === '*' || b.event.toUpperCase() === change.type) &&
          (b.filter === undefined || matchesFilter(b.parsedFilter, filterable)),
      )
      .map((b) => b.id);
    if (ids.length === 0) continue;
    const recordValue = record ?? {};
    subscriber.send([
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
          columns: Object.keys(change.type === 'DELETE' ? keyRecord : recordValue).map((name) => ({
            name,
            type: 'text',
          })),
          record: change.type === 'DELETE' ? {} : recordValue,
          old_record: change.type === 'INSERT' ? {} : keyRecord,
          errors: null,
        },
      },
    ]);
  }
}
