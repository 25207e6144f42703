/**
 * The secrets vault screen, lazy-loaded by the app at /secrets (src/app/SecretsScreen.tsx).
 * The app creates `bindings` once per signed-in session with `createVaultBindings` from
 * ./app-bindings.ts (see src/vault/README.md) and locks them on sign-out.
 */
import type { TenantRole } from '../model/roles.ts';
import type { VaultBindings } from './app-bindings.ts';
import type { TenantLabel } from './ui/PassphraseForms.tsx';
import { VaultPanel } from './ui/VaultPanel.tsx';

export interface VaultScreenProps {
  tenantId: string;
  role: TenantRole;
  userId: string;
  bindings?: VaultBindings;
  /** Every tenant of the user (for the passphrase-reset warning); defaults to this one. */
  tenants?: TenantLabel[];
}

export default function VaultScreen(props: VaultScreenProps) {
  if (!props.bindings) {
    return (
      <p className="notice">The vault is not connected to this session yet: reload the page.</p>
    );
  }
  if (props.bindings.vault.userId !== props.userId) {
    return <p className="notice">The vault belongs to another session: reload the page.</p>;
  }
  return (
    <VaultPanel
      bindings={props.bindings}
      tenantId={props.tenantId}
      role={props.role}
      tenants={props.tenants ?? [{ id: props.tenantId, name: 'This organization' }]}
    />
  );
}
