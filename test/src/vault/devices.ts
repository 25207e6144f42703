/**
 * Test "devices": one VaultService per user and device, each with its own local secrets
 * store that pushes and pulls through the real sync RPCs, over either direct SQL (acting as
 * the user in a transaction, as PostgREST does) or any other VaultRpcClient (supabase-js).
 */
import { vi } from 'vitest';
import type { SecretDoc } from '../../../src/model/secret.ts';
import {
  createRpcVaultServer,
  type ServerSecretRow,
  type VaultRpcClient,
} from '../../../src/vault/rpc-vault-server.ts';
import { RpcError } from '../../../src/model/errors.ts';
import type { SecretStorePort } from '../../../src/vault/vault-ports.ts';
import { VaultService } from '../../../src/vault/vault-service.ts';
import type { TestDatabase } from '../../helpers/database.ts';

const TABLE_FUNCTIONS = new Set(['vault_members', 'vault_pending_members', 'vault_secret_history']);

export function sqlRpcClient(db: TestDatabase, userId: string): VaultRpcClient {
  return {
    async rpc(fn, args) {
      const names = Object.keys(args);
      const params = names.map((name) => {
        const value = args[name];
        return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
      });
      const call = `public.${fn}(${names.map((name, i) => `${name} => $${i + 1}`).join(', ')})`;
      try {
        return await db.as(userId, async (sql) => {
          if (TABLE_FUNCTIONS.has(fn))
            return (await sql.query(`select * from ${call}`, params)).rows;
          const { rows } = await sql.query<{ result: unknown }>(`select ${call} as result`, params);
          return rows[0]?.result ?? null;
        });
      } catch (error) {
        const failure = error as { message: string; code?: string; hint?: string };
        throw new RpcError(
          failure.hint ? `${failure.message} (${failure.hint})` : failure.message,
          failure.code ?? null,
        );
      }
    },
    async liveSecrets(tenantId) {
      return db.as(
        userId,
        async (sql) =>
          (
            await sql.query<ServerSecretRow>(
              'select id, tenant_id, ciphertext, iv, key_version from public.secrets where tenant_id = $1 and not _deleted',
              [tenantId],
            )
          ).rows,
      );
    },
  };
}

type ServerDoc = Omit<SecretDoc, 'server_txid'> & { _txid: string };

/** A device's local copy of the `secrets` collection, synced through sync_push / sync_pull. */
export class SyncedSecretStore implements SecretStorePort {
  readonly docs = new Map<string, SecretDoc>();
  #checkpoint: unknown = null;
  readonly #listeners = new Set<{ tenantId: string; listener: (docs: SecretDoc[]) => void }>();

  constructor(private readonly client: VaultRpcClient) {}

  /** Live view, like the RxDB query the app uses: live secrets by name, after every pull. */
  readonly watch = (tenantId: string, listener: (docs: SecretDoc[]) => void): (() => void) => {
    const entry = { tenantId, listener };
    this.#listeners.add(entry);
    listener(this.#live(tenantId));
    return () => this.#listeners.delete(entry);
  };

  #live(tenantId: string): SecretDoc[] {
    return [...this.docs.values()]
      .filter((doc) => doc.tenant_id === tenantId && !doc._deleted)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async list(tenantId: string): Promise<SecretDoc[]> {
    return [...this.docs.values()].filter((doc) => doc.tenant_id === tenantId);
  }

  async get(secretId: string): Promise<SecretDoc | null> {
    return this.docs.get(secretId) ?? null;
  }

  /** Pushes at once (a device online); a rejected write leaves the local copy untouched. */
  async save(doc: SecretDoc): Promise<void> {
    const { server_txid: serverTxid, ...row } = doc;
    const result = (await this.client.rpc('sync_push', {
      p_collection: 'secrets',
      p_rows: [
        {
          newDocumentState: row,
          assumedMasterState: serverTxid ? { ...row, _txid: serverTxid } : null,
        },
      ],
    })) as { conflicts: unknown[]; rejected: { message: string }[] };
    if (result.rejected.length > 0)
      throw new Error(`Rejected by the server: ${result.rejected[0]!.message}`);
    if (result.conflicts.length > 0)
      throw new Error('Conflict with the server version: pull first');
    // A pull delivers a row only once every older transaction in the cluster has ended
    // (README.md, "Sync protocol"), so wait for our own write to come back.
    await this.pullUntil(() => {
      const local = this.docs.get(doc.id);
      return local !== undefined && local.server_txid !== serverTxid;
    });
  }

  async pullUntil(done: () => boolean, timeoutMs = 20_000): Promise<void> {
    await vi.waitFor(
      async () => {
        await this.pull();
        if (!done()) throw new Error('The pull did not deliver the expected rows in time');
      },
      { timeout: timeoutMs, interval: 50 },
    );
  }

  async pull(): Promise<void> {
    for (;;) {
      const page = (await this.client.rpc('sync_pull', {
        p_collection: 'secrets',
        p_checkpoint: this.#checkpoint,
        p_limit: 100,
      })) as { documents: ServerDoc[]; checkpoint: unknown };
      for (const { _txid, ...doc } of page.documents)
        this.docs.set(doc.id, { ...doc, server_txid: _txid });
      this.#checkpoint = page.checkpoint;
      if (page.documents.length > 0) {
        for (const { tenantId, listener } of this.#listeners) listener(this.#live(tenantId));
      }
      if (page.documents.length < 100) return;
    }
  }
}

export interface Device {
  userId: string;
  vault: VaultService;
  store: SyncedSecretStore;
  client: VaultRpcClient;
}

export function createDevice(userId: string, client: VaultRpcClient): Device {
  const store = new SyncedSecretStore(client);
  const vault = new VaultService({
    userId,
    server: createRpcVaultServer(client),
    secrets: store,
    idleLockMs: 0,
  });
  return { userId, vault, store, client };
}

/** Pulls until the device holds the server's current version of `secretId`. */
export async function catchUp(db: TestDatabase, device: Device, secretId: string): Promise<void> {
  const { rows } = await db.sql.query<{ txid: string }>(
    'select _txid::text as txid from public.secrets where id = $1',
    [secretId],
  );
  const txid = rows[0]?.txid;
  await device.store.pullUntil(() => device.store.docs.get(secretId)?.server_txid === txid);
}

/** Every row of every table in the database, as text: what a full dump would contain. */
export async function dumpDatabase(db: TestDatabase): Promise<string> {
  const { rows: tables } = await db.sql.query<{ schemaname: string; tablename: string }>(
    `select schemaname, tablename from pg_catalog.pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2`,
  );
  const parts: string[] = [];
  for (const { schemaname, tablename } of tables) {
    const { rows } = await db.sql.query<{ row: string }>(
      `select t::text as row from "${schemaname}"."${tablename}" t`,
    );
    parts.push(`-- ${schemaname}.${tablename}`, ...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

/** The forms a leaked value could take in text: itself, base64 and hex of its UTF-8. */
export function leakForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [value, bytes.toString('base64').replace(/=+$/, ''), bytes.toString('hex')];
}
