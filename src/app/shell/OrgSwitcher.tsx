/** Lists the user's organizations with their role; switching is instant and local. */
import type { TenantMembership } from '../data/app-data.ts';
import { switchTenant } from '../data/current-tenant.ts';
import { Link, navigate } from '../router.tsx';

export function OrgSwitcher(props: {
  userId: string;
  tenants: TenantMembership[];
  current: TenantMembership | null;
}) {
  const { tenants, current } = props;
  return (
    <div className="org-switcher">
      <label>
        <span className="visually-hidden">Organization</span>
        <select
          aria-label="Organization"
          value={current?.id ?? ''}
          disabled={tenants.length === 0}
          onChange={(event) => {
            switchTenant(props.userId, event.target.value);
            if (location.pathname.startsWith('/w/')) navigate('/');
          }}
        >
          {tenants.length === 0 && <option value="">No organization yet</option>}
          {tenants.map((tenant) => (
            <option key={tenant.id} value={tenant.id}>
              {tenant.name} ({tenant.role})
            </option>
          ))}
        </select>
      </label>
      <Link href="/organizations/new" className="button small" aria-label="New organization">
        +
      </Link>
    </div>
  );
}
