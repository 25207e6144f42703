/**
 * The vault screen's body: set up or unlock the vault, then the tenant's secrets. While
 * unlocked it re-opens the tenant's vault every minute, which is how an admin's client shares
 * the key with new members and rotates it after someone lost access, with no manual step.
 */
import { useCallback, useEffect, useState } from 'react';
import { hasCapability, type TenantRole } from '../../model/roles.ts';
import type { VaultBindings } from '../app-bindings.ts';
import type { TenantVaultStatus } from '../vault-service.ts';
import {
  ChangePassphraseForm,
  ResetVaultForm,
  SetUpVaultForm,
  UnlockVaultForm,
  type TenantLabel,
} from './PassphraseForms.tsx';
import { SecretForm } from './SecretForm.tsx';
import { SecretList } from './SecretList.tsx';
import { errorMessage } from '../../model/errors.ts';
import { useVaultStatus, useWatched } from './use-vault.ts';

export const MAINTENANCE_INTERVAL_MS = 60_000;

export interface VaultPanelProps {
  bindings: VaultBindings;
  tenantId: string;
  role: TenantRole;
  /** Every tenant of the user, to say what a passphrase reset would cost in each. */
  tenants: TenantLabel[];
  maintenanceIntervalMs?: number;
}

export function VaultPanel(props: VaultPanelProps) {
  const { vault } = props.bindings;
  const [status, retry] = useVaultStatus(vault);
  const [resetting, setResetting] = useState(false);

  useEffect(() => {
    if (status.kind === 'unlocked') setResetting(false);
  }, [status.kind]);

  switch (status.kind) {
    case 'loading':
      return <p className="muted">Opening the vault…</p>;
    case 'error':
      return (
        <div className="stack">
          <p role="alert" className="error">
            {status.message}
          </p>
          <button type="button" onClick={retry}>
            Try again
          </button>
        </div>
      );
    case 'not_set_up':
      return <SetUpVaultForm vault={vault} />;
    case 'locked':
      return resetting ? (
        <ResetVaultForm
          vault={vault}
          tenants={props.tenants}
          onCancel={() => setResetting(false)}
        />
      ) : (
        <UnlockVaultForm vault={vault} onForgot={() => setResetting(true)} />
      );
    case 'unlocked':
      return <UnlockedVault {...props} />;
  }
}

function UnlockedVault(props: VaultPanelProps) {
  const { bindings, tenantId, role } = props;
  const { vault } = bindings;
  const interval = props.maintenanceIntervalMs ?? MAINTENANCE_INTERVAL_MS;
  const [tenant, setTenant] = useState<TenantVaultStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [changingPassphrase, setChangingPassphrase] = useState(false);
  const secrets = useWatched(bindings.secrets.watch, tenantId);
  const usage = useWatched(bindings.workflowUsage.watch, tenantId) ?? [];
  const canManage = hasCapability(role, 'manage-secrets');

  const open = useCallback(async () => {
    try {
      const opened = await vault.openTenant(tenantId);
      setTenant(opened);
      setError(null);
      const done: string[] = [];
      if (opened.initialized) done.push('Set up this organization’s vault.');
      if (opened.rotatedTo !== null)
        done.push(
          `Rotated the vault key to version ${opened.rotatedTo} after someone lost access.`,
        );
      if (opened.grantedTo.length > 0)
        done.push(`Shared the vault key with ${opened.grantedTo.length} member(s).`);
      if (done.length > 0) setNotice(done.join(' '));
    } catch (failure) {
      if (vault.isUnlocked) setError(errorMessage(failure));
    }
  }, [vault, tenantId]);

  useEffect(() => {
    void open();
    const timer = setInterval(() => void open(), interval);
    return () => clearInterval(timer);
  }, [open, interval]);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <div className="stack">
      <div className="actions">
        <button type="button" onClick={() => vault.lock()}>
          Lock vault
        </button>
        <button
          type="button"
          aria-pressed={changingPassphrase}
          onClick={() => setChangingPassphrase((v) => !v)}
        >
          Change passphrase
        </button>
        {canManage && tenant?.access === 'ready' && (
          <button
            type="button"
            onClick={() =>
              run(async () => {
                const version = await vault.rotateTenantKey(tenantId);
                setNotice(
                  `Rotated the vault key to version ${version}: every secret was re-encrypted.`,
                );
                await open();
              })
            }
          >
            Rotate vault key
          </button>
        )}
      </div>
      {changingPassphrase && (
        <ChangePassphraseForm
          vault={vault}
          onDone={() => {
            setChangingPassphrase(false);
          }}
        />
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {tenant === null ? (
        <p className="muted">Opening this organization’s vault…</p>
      ) : tenant.access === 'no_access' ? (
        <p className="notice">
          Your role in this organization does not give access to its secrets.
        </p>
      ) : tenant.access === 'waiting_for_key' ? (
        <p className="notice">
          Waiting for access: an admin’s Flowkeep shares this organization’s vault key with you as
          soon as one is online. Nothing to do on your side.
        </p>
      ) : tenant.access === 'key_lost' ? (
        <div className="notice stack">
          <p>
            Nobody holds this organization’s vault key any more (its last holder reset a forgotten
            passphrase). Its secrets cannot be read by anyone. Start a new key to add secrets again;
            the unreadable ones will be deleted.
          </p>
          <button
            type="button"
            className="danger"
            onClick={() =>
              run(async () => {
                await vault.abandonLostKey(tenantId);
                await open();
              })
            }
          >
            Start a new vault key
          </button>
        </div>
      ) : (
        <>
          {canManage && (
            <SecretForm
              onSubmit={async (values) => {
                await vault.createSecret(tenantId, {
                  name: values.name,
                  value: values.value ?? '',
                  provider: values.provider,
                  description: values.description,
                });
              }}
            />
          )}
          {secrets === undefined ? (
            <p className="muted">Loading secrets…</p>
          ) : (
            <SecretList vault={vault} secrets={secrets} usage={usage} canManage={canManage} />
          )}
        </>
      )}
    </div>
  );
}
