/** /secrets — the vault UI (src/vault), loaded on demand. */
import { Suspense, lazy, type ComponentType } from 'react';
import type { TenantMembership } from './data/app-data.ts';
import { useAppData } from './data/hooks.ts';
import { whyNot } from './permissions.ts';

interface VaultScreenProps {
  tenantId: string;
  role: TenantMembership['role'];
  userId: string;
}

const vaultModules = import.meta.glob<{ default: ComponentType<VaultScreenProps> }>(
  '../vault/VaultScreen.tsx',
);
const loadVault = Object.values(vaultModules)[0];
const VaultScreen = loadVault ? lazy(loadVault) : null;

export function SecretsScreen(props: { tenant: TenantMembership }) {
  const data = useAppData();
  const refusal = whyNot(props.tenant.role, 'read-secrets');
  return (
    <section className="screen" aria-labelledby="secrets-heading">
      <div className="screen-head">
        <h1 id="secrets-heading">Secrets</h1>
        <span className="muted">{props.tenant.name}</span>
      </div>
      {refusal ? (
        <p className="notice">{refusal}</p>
      ) : VaultScreen ? (
        <Suspense fallback={<p className="muted">Loading the vault…</p>}>
          <VaultScreen tenantId={props.tenant.id} role={props.tenant.role} userId={data.userId} />
        </Suspense>
      ) : (
        <p className="muted">The secrets vault is not part of this build.</p>
      )}
    </section>
  );
}
