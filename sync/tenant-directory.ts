/**
 * The tenants the signed-in user belongs to, refreshed from the server once per sync cycle
 * and kept in the local `tenants` collection so the organization switcher works offline.
 * It decides, per collection, which tenants' rows this device may keep (a viewer cannot
 * read secrets), and notices when the user gains access to a tenant, because rows of that
 * tenant may sit behind the pull checkpoint and must be pulled again from the start.
 */
import type { RxCollection } from 'rxdb';
import type { SyncedCollection } from '../src/model/collections.ts';
import type { RejectedChangeDoc } from '../src/model/rejected-change.ts';
import { hasCapability, READ_CAPABILITY, type TenantRole } from '../src/model/roles.ts';
import type { TenantDoc } from '../src/model/tenant.ts';
import type { SyncRemote } from './remote.ts';

function readableTenants(
  roles: ReadonlyMap<string, TenantRole>,
  collection: SyncedCollection,
): Set<string> {
  const result = new Set<string>();
  for (const [tenantId, role] of roles) {
    if (hasCapability(role, READ_CAPABILITY[collection])) result.add(tenantId);
  }
  return result;
}

export interface TenantDirectoryOptions {
  tenants: RxCollection<TenantDoc>;
  rejectedChanges: RxCollection<RejectedChangeDoc>;
  remote: SyncRemote;
  userId: string;
  collections: readonly SyncedCollection[];
  /** Refreshes closer together than this share one result (one per sync cycle). */
  minIntervalMs?: number;
}

export class TenantDirectory {
  private roles: Map<string, TenantRole> | null = null;
  private refreshedAt = 0;
  private inFlight: Promise<boolean> | null = null;
  private readonly rewind = new Set<SyncedCollection>();

  constructor(private readonly options: TenantDirectoryOptions) {}

  /**
   * Refreshes memberships from the server; false when the server could not be reached (the
   * last known list stays in force and nothing is purged on its account).
   */
  refresh(force = false): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    const fresh = Date.now() - this.refreshedAt < (this.options.minIntervalMs ?? 1000);
    if (!force && this.roles && fresh) return Promise.resolve(true);
    this.inFlight = this.load()
      .then(() => true)
      .catch(() => false)
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  /** The next refresh() asks the server even if the last one was just now. */
  markStale(): void {
    this.refreshedAt = 0;
  }

  /** Tenants whose rows of `collection` this device may hold; null until the first refresh. */
  allowedTenants(collection: SyncedCollection): Set<string> | null {
    return this.roles ? readableTenants(this.roles, collection) : null;
  }

  /** True once after the user gained read access to a tenant for this collection. */
  takeRewind(collection: SyncedCollection): boolean {
    return this.rewind.delete(collection);
  }

  private async load(): Promise<void> {
    const { remote, userId, tenants, rejectedChanges, collections } = this.options;
    const [memberships, tenantRows] = await Promise.all([
      remote.memberships(userId),
      remote.tenants(),
    ]);
    const roles = new Map<string, TenantRole>();
    for (const membership of memberships) roles.set(membership.tenant_id, membership.role);

    const previousDocs = await tenants.find().exec();
    const previousRoles = new Map<string, TenantRole>(
      previousDocs.map((doc) => [doc.id, doc.role] as const),
    );
    for (const collection of collections) {
      const before = readableTenants(previousRoles, collection);
      const after = readableTenants(roles, collection);
      for (const tenantId of after) {
        if (!before.has(tenantId)) this.rewind.add(collection);
      }
    }

    const docs: TenantDoc[] = [];
    for (const row of tenantRows) {
      const role = roles.get(row.id);
      if (!role) continue;
      docs.push({
        id: row.id,
        name: row.name,
        slug: row.slug ?? '',
        plan: row.plan ?? '',
        status: row.status ?? '',
        settings: row.settings ?? {},
        role,
        created_at: row.created_at,
        updated_at: row.updated_at,
      });
    }
    await tenants.bulkUpsert(docs);
    const lost = previousDocs.filter((doc) => !roles.has(doc.id)).map((doc) => doc.id);
    if (lost.length > 0) {
      await tenants.bulkRemove(lost);
      await rejectedChanges.find({ selector: { tenant_id: { $in: lost } } }).remove();
    }
    this.roles = roles;
    this.refreshedAt = Date.now();
  }
}
