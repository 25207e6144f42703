/** /secrets — the vault UI (src/vault), loaded on demand with its bindings for this session. */
import { Suspense, lazy, useEffect, useState } from 'react';
import type { VaultBindings } from '../vault/app-bindings.ts';
import type { TenantMembership } from './data/app-data.ts';
import { useAppData, useTenants } from './data/hooks.ts';
import { whyNot } from './permissions.ts';
import { errorMessage } from '../model/errors.ts';

const VaultScreen = lazy(() => import('../vault/VaultScreen.tsx'));

export function useVaultBindings(): { bindings: VaultBindings | null; error: string | null } {
  const data = useAppData();
  const [bindings, setBindings] = useState<VaultBindings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    data.vault().then(
      (ready) => current && setBindings(ready),
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [data]);
  return { bindings, error };
}

export function SecretsScreen(props: { tenant: TenantMembership }) {
  const data = useAppData();
  const tenants = useTenants();
  const { bindings, error } = useVaultBindings();
  const refusal = whyNot(props.tenant.role, 'use-secrets');
  return (
    <section className="screen" aria-labelledby="secrets-heading">
      <div className="screen-head">
        <h1 id="secrets-heading">Secrets</h1>
        <span className="muted">{props.tenant.name}</span>
      </div>
      {refusal ? (
        <p className="notice">{refusal}</p>
      ) : error ? (
        <p role="alert" className="error">
          The vault could not start: {error}
        </p>
      ) : !bindings ? (
        <p className="muted">Loading the vault…</p>
      ) : (
        <Suspense fallback={<p className="muted">Loading the vault…</p>}>
          <VaultScreen
            tenantId={props.tenant.id}
            role={props.tenant.role}
            userId={data.userId}
            bindings={bindings}
            tenants={tenants.map((t) => ({ id: t.id, name: t.name }))}
          />
        </Suspense>
      )}
    </section>
  );
}
