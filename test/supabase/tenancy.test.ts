/**
 * Organizations as people use them: sign-up gives a personal organization, invitations are
 * one-time and expire, roles are managed within one's own rank, and there is always an owner.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { errorOf } from '../helpers/errors.ts';
import { addMember, personalTenantOf, rpc } from '../helpers/tenant-fixture.ts';

describe.each(BACKENDS)('tenancy on %s', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('gives every new user a profile and a personal organization they own', async () => {
    const user = await db.createUser('Ada@Example.com');
    const view = await db.as(user, async (sql) => ({
      tenants: (await sql.query('select name, slug, plan, status, created_by from tenants')).rows,
      members: (await sql.query('select user_id, role from tenant_members')).rows,
      profile: (await sql.query('select id, email from profiles where id = auth.uid()')).rows,
    }));
    expect(view.tenants).toEqual([
      {
        name: "Ada@Example.com's Organization",
        slug: 'ada-example-com-s-organization',
        plan: 'free',
        status: 'active',
        created_by: user,
      },
    ]);
    expect(view.members).toEqual([{ user_id: user, role: 'owner' }]);
    expect(view.profile).toEqual([{ id: user, email: 'Ada@Example.com' }]);
  });

  it('lets the service write after a user transaction on the same connection', async () => {
    // After a transaction-local request.jwt.claims ends, the setting reads '' (not null) on
    // that connection; the claim helpers must treat it as "no user", not fail to parse it.
    const user = await db.createUser('after@example.com');
    const tenant = await personalTenantOf(db, user);
    await db.as(user, (sql) => sql.query('select auth.uid()'));
    const id = randomUUID();
    await db.sql.query('insert into workflows (id, tenant_id, name) values ($1, $2, $3)', [
      id,
      tenant,
      'Imported by the service',
    ]);
    const row = await db.sql.query('select created_by from workflows where id = $1', [id]);
    expect(row.rows).toEqual([{ created_by: null }]);
  });

  it('gives two organizations of the same name distinct slugs', async () => {
    const user = await db.createUser('slugs@example.com');
    const [a, b] = await db.as(user, async (sql) => [
      await rpc<string>(sql, `create_tenant('Research Lab')`),
      await rpc<string>(sql, `create_tenant('Research Lab')`),
    ]);
    const slugs = await db.sql.query<{ slug: string }>(
      'select slug from tenants where id = any($1) order by created_at',
      [[a, b]],
    );
    expect(slugs.rows[0]!.slug).toBe('research-lab');
    expect(slugs.rows[1]!.slug).toMatch(/^research-lab-[0-9a-f]{6}$/);
    const error = await errorOf(db.as(user, (sql) => rpc(sql, `create_tenant('   ')`)));
    expect(error).toEqual({
      code: '22023',
      message: 'An organization name must have 1 to 120 characters',
    });
  });

  it('stores only the hash of an invitation token, and accepts it once', async () => {
    const owner = await db.createUser('host@example.com');
    const guest = await db.createUser('guest@example.com');
    const tenant = await personalTenantOf(db, owner);
    const token = await db.as(owner, (sql) =>
      rpc<string>(sql, 'invite_member($1, $2, $3)', [tenant, 'GUEST@example.com', 'member']),
    );
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const stored = await db.sql.query<{ token_hash: string; email: string }>(
      'select token_hash, email from tenant_invitations where tenant_id = $1',
      [tenant],
    );
    expect(stored.rows[0]!.email).toBe('guest@example.com');
    expect(stored.rows[0]!.token_hash).not.toContain(token);
    expect(stored.rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await db.as(guest, (sql) => rpc<string>(sql, 'accept_invitation($1)', [token]))).toBe(
      tenant,
    );
    const again = await errorOf(db.as(guest, (sql) => rpc(sql, 'accept_invitation($1)', [token])));
    expect(again).toEqual({
      code: '22023',
      message: 'This invitation was already used: ask for a new one',
    });
    const forged = await errorOf(
      db.as(guest, (sql) => rpc(sql, 'accept_invitation($1)', ['0'.repeat(64)])),
    );
    expect(forged.message).toBe('This invitation link is not valid: ask for a new one');
  });

  it('refuses an expired invitation', async () => {
    const owner = await db.createUser('expirer@example.com');
    const late = await db.createUser('late@example.com');
    const tenant = await personalTenantOf(db, owner);
    const token = await db.as(owner, (sql) =>
      rpc<string>(sql, 'invite_member($1, $2, $3)', [tenant, 'late@example.com', 'viewer']),
    );
    await db.sql.query(
      `update tenant_invitations set expires_at = now() - interval '1 minute' where tenant_id = $1`,
      [tenant],
    );
    const error = await errorOf(db.as(late, (sql) => rpc(sql, 'accept_invitation($1)', [token])));
    expect(error.code).toBe('22023');
    expect(error.message).toMatch(/^This invitation expired on .*: ask for a new one$/);
    const members = await db.sql.query(
      'select 1 from tenant_members where tenant_id = $1 and user_id = $2',
      [tenant, late],
    );
    expect(members.rows).toEqual([]);
  });

  it('lets admins manage people up to their own rank, never above', async () => {
    const owner = await db.createUser('o@rank.test');
    const admin = await db.createUser('a@rank.test');
    const member = await db.createUser('m@rank.test');
    const tenant = await personalTenantOf(db, owner);
    await addMember(db, tenant, owner, admin, 'a@rank.test', 'admin');
    await addMember(db, tenant, admin, member, 'm@rank.test', 'member');

    const inviteOwner = await errorOf(
      db.as(admin, (sql) =>
        rpc(sql, 'invite_member($1, $2, $3)', [tenant, 'x@rank.test', 'owner']),
      ),
    );
    expect(inviteOwner).toEqual({
      code: '42501',
      message: 'You cannot invite someone as owner when you are admin',
    });
    const promote = await errorOf(
      db.as(admin, (sql) => rpc(sql, 'set_member_role($1, $2, $3)', [tenant, member, 'owner'])),
    );
    expect(promote.code).toBe('42501');
    const demoteOwner = await errorOf(
      db.as(admin, (sql) => rpc(sql, 'set_member_role($1, $2, $3)', [tenant, owner, 'viewer'])),
    );
    expect(demoteOwner.code).toBe('42501');
    const removeOwner = await errorOf(
      db.as(admin, (sql) => rpc(sql, 'remove_member($1, $2)', [tenant, owner])),
    );
    expect(removeOwner).toEqual({
      code: '42501',
      message: 'Your role (admin) cannot remove a owner',
    });
    const badRole = await errorOf(
      db.as(admin, (sql) => rpc(sql, 'set_member_role($1, $2, $3)', [tenant, member, 'superuser'])),
    );
    expect(badRole).toEqual({
      code: '22023',
      message: 'Unknown role superuser: use owner, admin, member or viewer',
    });

    await db.as(admin, (sql) =>
      rpc(sql, 'set_member_role($1, $2, $3)', [tenant, member, 'viewer']),
    );
    const roles = await db.sql.query(
      'select role from tenant_members where tenant_id = $1 and user_id = $2',
      [tenant, member],
    );
    expect(roles.rows).toEqual([{ role: 'viewer' }]);
  });

  it('always keeps at least one owner, and hands ownership over in two steps', async () => {
    const owner = await db.createUser('solo@owner.test');
    const heir = await db.createUser('heir@owner.test');
    const tenant = await personalTenantOf(db, owner);
    const demote = await errorOf(
      db.as(owner, (sql) => rpc(sql, 'set_member_role($1, $2, $3)', [tenant, owner, 'admin'])),
    );
    expect(demote).toEqual({
      code: '23514',
      message: 'A tenant must keep at least one owner: make someone else owner first',
    });
    await addMember(db, tenant, owner, heir, 'heir@owner.test', 'member');
    await db.as(owner, (sql) => rpc(sql, 'set_member_role($1, $2, $3)', [tenant, heir, 'owner']));
    await db.as(owner, (sql) => rpc(sql, 'remove_member($1, $2)', [tenant, owner]));
    const left = await db.sql.query(
      'select user_id, role from tenant_members where tenant_id = $1',
      [tenant],
    );
    expect(left.rows).toEqual([{ user_id: heir, role: 'owner' }]);
  });

  it('lets only the owner rename the organization, and nobody but billing change its plan', async () => {
    const owner = await db.createUser('renamer@example.com');
    const admin = await db.createUser('renamer-admin@example.com');
    const tenant = await personalTenantOf(db, owner);
    await addMember(db, tenant, owner, admin, 'renamer-admin@example.com', 'admin');
    const byAdmin = await db.as(
      admin,
      async (sql) =>
        (await sql.query(`update tenants set name = 'Mine now' where id = $1`, [tenant]))
          .affectedRows,
    );
    expect(byAdmin).toBe(0);
    await db.as(owner, (sql) =>
      sql.query(`update tenants set name = 'Renamed' where id = $1`, [tenant]),
    );
    const plan = await errorOf(
      db.as(owner, (sql) =>
        sql.query(`update tenants set plan = 'enterprise' where id = $1`, [tenant]),
      ),
    );
    expect(plan.code).toBe('42501');
    const row = await db.sql.query('select name, plan from tenants where id = $1', [tenant]);
    expect(row.rows).toEqual([{ name: 'Renamed', plan: 'free' }]);
  });

  it('shows a profile only to its owner and people who share an organization', async () => {
    const a = await db.createUser('pa@profiles.test');
    const b = await db.createUser('pb@profiles.test');
    const c = await db.createUser('pc@profiles.test');
    await addMember(db, await personalTenantOf(db, a), a, b, 'pb@profiles.test', 'viewer');
    const seenBy = async (user: string) =>
      (
        await db.as(user, (sql) =>
          sql.query<{ email: string }>('select email from profiles order by email'),
        )
      ).rows.map((r) => r.email);
    expect(await seenBy(b)).toEqual(['pa@profiles.test', 'pb@profiles.test']);
    expect(await seenBy(c)).toEqual(['pc@profiles.test']);
  });
});
