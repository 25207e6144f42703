/**
 * The root: signed out → sign-in screens; signed in → the local data core opens (IndexedDB, no
 * network needed) and the shell shows the current organization's screens.
 */
import { useEffect, useState } from 'react';
import { SignInScreen } from './auth/SignInScreen.tsx';
import { signedInUser, type SignedInUser } from './auth/session.ts';
import type { AppData, TenantMembership } from './data/app-data.ts';
import { AppDataContext, useStore } from './data/hooks.ts';
import { useCurrentTenant } from './data/current-tenant.ts';
import { AcceptInvitationScreen, InviteSignedOutScreen } from './members/InviteScreen.tsx';
import { MembersScreen } from './members/MembersScreen.tsx';
import { NewOrganizationScreen } from './organizations/NewOrganizationScreen.tsx';
import { RejectedChangesScreen } from './changes/RejectedChangesScreen.tsx';
import { EditorScreen } from './editor/EditorScreen.tsx';
import { SecretsScreen } from './SecretsScreen.tsx';
import { WorkflowListScreen } from './workflows/WorkflowListScreen.tsx';
import { AppShell } from './shell/AppShell.tsx';
import { UpdatePrompt } from './shell/UpdatePrompt.tsx';
import { matchRoute, navigate, useLocation, type Route } from './router.tsx';
import { openAppData } from './data/open-app-data.ts';
import { markFirstScreenShown } from './first-screen.ts';
import { errorMessage } from '../model/errors.ts';

export function App() {
  const user = useStore(signedInUser);
  const route = matchRoute(useLocation());
  return (
    <>
      {user ? (
        <SignedInApp key={user.id} user={user} route={route} />
      ) : (
        <SignedOutApp route={route} />
      )}
      <UpdatePrompt />
    </>
  );
}

function SignedOutApp(props: { route: Route }) {
  const { route } = props;
  useEffect(() => {
    if (route.name !== 'signin' && route.name !== 'signup' && route.name !== 'invite') {
      navigate('/signin', { replace: true });
    }
  }, [route.name]);
  if (route.name === 'invite') return <InviteSignedOutScreen token={route.token} />;
  return <SignInScreen mode={route.name === 'signup' ? 'signup' : 'signin'} />;
}

function SignedInApp(props: { user: SignedInUser; route: Route }) {
  const { user, route } = props;
  const [data, setData] = useState<AppData | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    openAppData(user).then(
      (opened) => current && setData(opened),
      (error: unknown) => current && setFailure(errorMessage(error)),
    );
    // Ask the browser not to evict this device's data under storage pressure.
    void navigator.storage?.persist?.().catch(() => false);
    return () => {
      current = false;
    };
  }, [user]);

  useEffect(() => {
    if (route.name === 'signin' || route.name === 'signup') navigate('/', { replace: true });
  }, [route.name]);

  if (failure) {
    return (
      <main className="auth-screen">
        <div className="auth-card">
          <h1>Flowkeep could not open its local database</h1>
          <p role="alert" className="error">
            {failure}
          </p>
          <button type="button" onClick={() => location.reload()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!data) return <p className="splash">Opening Flowkeep…</p>;
  return (
    <AppDataContext.Provider value={data}>
      <SignedInRoutes data={data} route={route} />
    </AppDataContext.Provider>
  );
}

function SignedInRoutes(props: { data: AppData; route: Route }) {
  const { data, route } = props;
  const tenants = useStore(data.tenants);
  const current = useCurrentTenant(data.userId, tenants);
  return (
    <AppShell userId={data.userId} email={data.email} tenants={tenants} current={current}>
      <Screen route={route} tenants={tenants} current={current} />
    </AppShell>
  );
}

function Screen(props: {
  route: Route;
  tenants: TenantMembership[];
  current: TenantMembership | null;
}) {
  const { route, tenants, current } = props;
  const waitsForList = route.name === 'workflows' && current !== null;
  useEffect(() => {
    // The workflow list says itself when its data is on screen; other screens don't wait.
    if (!waitsForList) markFirstScreenShown();
  }, [waitsForList]);
  if (route.name === 'invite') return <AcceptInvitationScreen token={route.token} />;
  if (route.name === 'new-organization') return <NewOrganizationScreen />;
  if (route.name === 'changes') return <RejectedChangesScreen />;
  if (route.name === 'workflow')
    return <EditorScreen workflowId={route.workflowId} tenants={tenants} />;
  if (route.name === 'not-found') {
    return (
      <section className="screen">
        <h1>Page not found</h1>
        <p>There is nothing at {route.pathname}.</p>
      </section>
    );
  }
  if (!current) {
    return (
      <section className="screen">
        <p className="muted">
          {navigator.onLine
            ? 'Loading your organizations…'
            : 'Your organizations are not on this device yet: connect once to load them.'}
        </p>
      </section>
    );
  }
  if (route.name === 'members') return <MembersScreen key={current.id} tenant={current} />;
  if (route.name === 'secrets') return <SecretsScreen key={current.id} tenant={current} />;
  return <WorkflowListScreen key={current.id} tenant={current} />;
}
