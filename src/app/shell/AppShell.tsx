/** The frame of every signed-in screen: organization, navigation, sync status, account. */
import type { ReactNode } from 'react';
import type { TenantMembership } from '../data/app-data.ts';
import { useRejectedChanges } from '../data/hooks.ts';
import { signOut } from '../auth/auth-commands.ts';
import { Link, useLocation } from '../router.tsx';
import { OrgSwitcher } from './OrgSwitcher.tsx';
import { SyncNotice, SyncStatus } from './SyncStatus.tsx';
import { RejectionToast } from './RejectionToast.tsx';

export function AppShell(props: {
  userId: string;
  email: string;
  tenants: TenantMembership[];
  current: TenantMembership | null;
  children: ReactNode;
}) {
  const rejected = useRejectedChanges();
  const { pathname } = useLocation();
  const navItem = (href: string, label: string, extra?: ReactNode) => (
    <Link href={href} aria-current={pathname === href ? 'page' : undefined}>
      {label}
      {extra}
    </Link>
  );
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand-link" aria-label="Flowkeep home">
          <img src="/icons/favicon-64.png" alt="" width="24" height="24" />
          <span>Flowkeep</span>
        </Link>
        <OrgSwitcher userId={props.userId} tenants={props.tenants} current={props.current} />
        <nav aria-label="Main" className="main-nav">
          {navItem('/', 'Workflows')}
          {navItem('/members', 'Members')}
          {navItem('/secrets', 'Secrets')}
          {navItem(
            '/changes',
            'Rejected changes',
            rejected.length > 0 ? (
              <span className="badge" aria-label={`${rejected.length} rejected`}>
                {rejected.length}
              </span>
            ) : null,
          )}
        </nav>
        <div className="topbar-end">
          <SyncStatus />
          <span className="account" title={props.email}>
            {props.email}
          </span>
          <button
            type="button"
            title={`Signed in as ${props.email}`}
            onClick={() => void signOut()}
          >
            Sign out
          </button>
        </div>
      </header>
      <SyncNotice />
      <main className="content">{props.children}</main>
      <RejectionToast />
    </div>
  );
}
