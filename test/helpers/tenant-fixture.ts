/**
 * A small world of people around one organization ("Acme"), built through the real RPCs:
 * its owner, an admin, a member, a viewer, a removed member, a signed-in stranger and the
 * owner of another organization. Each of Acme's synced tables holds one row.
 */
import { randomUUID } from 'node:crypto';
import type { TestDatabase } from './database.ts';
import type { SqlClient } from '../../supabase/local/sql-client.ts';
import { SYNCED_COLLECTIONS } from '../../src/model/collections.ts';

export const ACTORS = [
  'anon',
  'nonMember',
  'viewer',
  'member',
  'admin',
  'owner',
  'otherTenantMember',
  'removedMember',
] as const;
export type Actor = (typeof ACTORS)[number];

export interface TenantWorld {
  tenantId: string;
  otherTenantId: string;
  users: Record<Exclude<Actor, 'anon'>, string>;
  /** One row id per synced table, all in tenantId. */
  rows: Record<string, string>;
  /** Id of a pending invitation to tenantId. */
  invitationId: string;
  userOf(actor: Actor): string | null;
}

export async function rpc<T>(sql: SqlClient, call: string, params: unknown[] = []): Promise<T> {
  const result = await sql.query<{ value: T }>(`select ${call} as value`, params);
  return result.rows[0]!.value;
}

export async function personalTenantOf(db: TestDatabase, userId: string): Promise<string> {
  const result = await db.sql.query<{ tenant_id: string }>(
    `select tenant_id from tenant_members where user_id = $1 and role = 'owner' order by created_at limit 1`,
    [userId],
  );
  return result.rows[0]!.tenant_id;
}

/** Invites `userId` into `tenantId` with `role` on behalf of `inviterId`, and accepts. */
export async function addMember(
  db: TestDatabase,
  tenantId: string,
  inviterId: string,
  userId: string,
  email: string,
  role: string,
): Promise<void> {
  const token = await db.as(inviterId, (sql) =>
    rpc<string>(sql, 'invite_member($1, $2, $3)', [tenantId, email, role]),
  );
  await db.as(userId, (sql) => rpc<string>(sql, 'accept_invitation($1)', [token]));
}

const BASE64_CIPHERTEXT = 'c2VjcmV0LWNpcGhlcnRleHQ=';
const BASE64_IV = 'AAAAAAAAAAAAAAAA';

export interface SampleRow {
  id: string;
  tenant_id: string;
  [column: string]: unknown;
}

export function sampleRow(table: string, tenantId: string, id: string = randomUUID()): SampleRow {
  const common = { id, tenant_id: tenantId };
  switch (table) {
    case 'workflows':
      return { ...common, name: 'Summarise tickets', nodes: [{ id: 'n1', type: 'trigger' }] };
    case 'knowledge_bases':
      return { ...common, name: 'Handbook' };
    case 'kb_documents':
      return { ...common, knowledge_base_id: randomUUID(), name: 'intro.md', content: '# Hello' };
    case 'connectors':
      return { ...common, name: 'CRM lookup', type: 'multi-step' };
    case 'secrets':
      return {
        ...common,
        name: `key-${id.slice(0, 8)}`,
        ciphertext: BASE64_CIPHERTEXT,
        iv: BASE64_IV,
        key_version: 1,
      };
    case 'executions':
      return { ...common, workflow_id: randomUUID(), status: 'succeeded' };
    default:
      throw new Error(`No sample row for ${table}`);
  }
}

export async function insertRow(
  sql: SqlClient,
  table: string,
  row: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(row);
  const values = columns.map((column) => {
    const value = row[column];
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
  });
  await sql.query(
    `insert into ${table} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  );
}

export const SYNCED_TABLES = SYNCED_COLLECTIONS;

export async function buildTenantWorld(db: TestDatabase): Promise<TenantWorld> {
  const emails = {
    owner: 'owner@acme.test',
    admin: 'admin@acme.test',
    member: 'member@acme.test',
    viewer: 'viewer@acme.test',
    removedMember: 'removed@acme.test',
    nonMember: 'stranger@elsewhere.test',
    otherTenantMember: 'owner@globex.test',
  } as const;
  const users = {} as Record<Exclude<Actor, 'anon'>, string>;
  for (const [actor, email] of Object.entries(emails) as [Exclude<Actor, 'anon'>, string][]) {
    users[actor] = await db.createUser(email);
  }
  const tenantId = await personalTenantOf(db, users.owner);
  const otherTenantId = await personalTenantOf(db, users.otherTenantMember);
  await addMember(db, tenantId, users.owner, users.admin, emails.admin, 'admin');
  await addMember(db, tenantId, users.owner, users.member, emails.member, 'member');
  await addMember(db, tenantId, users.admin, users.viewer, emails.viewer, 'viewer');
  await addMember(db, tenantId, users.owner, users.removedMember, emails.removedMember, 'member');
  await db.as(users.admin, (sql) =>
    rpc(sql, 'remove_member($1, $2)', [tenantId, users.removedMember]),
  );

  const rows: Record<string, string> = {};
  await db.as(users.owner, async (sql) => {
    for (const table of SYNCED_TABLES) {
      const row = sampleRow(table, tenantId);
      await insertRow(sql, table, row);
      rows[table] = row.id as string;
    }
  });
  await db.as(users.owner, (sql) =>
    rpc<string>(sql, 'invite_member($1, $2, $3)', [tenantId, 'pending@acme.test', 'member']),
  );
  const invitation = await db.sql.query<{ id: string }>(
    `select id from tenant_invitations where tenant_id = $1 and accepted_at is null`,
    [tenantId],
  );

  return {
    tenantId,
    otherTenantId,
    users,
    rows,
    invitationId: invitation.rows[0]!.id,
    userOf: (actor) => (actor === 'anon' ? null : users[actor]),
  };
}
