/**
 * Opened by an invitation link (/invite#token=…). Signed out, it asks to sign in or create an
 * account first (the token stays in the URL fragment meanwhile); signed in, it accepts.
 */
import { useState } from 'react';
import { AuthForm, type AuthMode } from '../auth/AuthForm.tsx';
import { Brand } from '../auth/SignInScreen.tsx';
import { useAppData } from '../data/hooks.ts';
import { acceptInvitation } from '../data/organizations.ts';
import { switchTenant } from '../data/current-tenant.ts';
import { navigate } from '../router.tsx';
import { errorMessage } from '../../model/errors.ts';

export function InviteSignedOutScreen(props: { token: string | null }) {
  const [mode, setMode] = useState<AuthMode>('signup');
  return (
    <main className="auth-screen">
      <div className="auth-card">
        <Brand />
        {props.token ? (
          <>
            <p>
              You have been invited to an organization on Flowkeep. Sign in or create an account to
              accept.
            </p>
            <AuthForm mode={mode} onModeChange={setMode} />
          </>
        ) : (
          <p role="alert" className="error">
            This invitation link is incomplete: ask for a new one.
          </p>
        )}
      </div>
    </main>
  );
}

export function AcceptInvitationScreen(props: { token: string | null }) {
  const data = useAppData();
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle');
  const [error, setError] = useState<string | null>(null);

  async function accept() {
    if (!props.token) return;
    setState('busy');
    setError(null);
    try {
      const tenantId = await acceptInvitation(props.token);
      await data.refreshTenants();
      switchTenant(data.userId, tenantId);
      setState('done');
      navigate('/', { replace: true });
    } catch (failure) {
      setError(errorMessage(failure));
      setState('idle');
    }
  }

  return (
    <section className="screen narrow" aria-labelledby="invite-heading">
      <h1 id="invite-heading">Join an organization</h1>
      {props.token ? (
        <>
          <p>
            You are signed in as <strong>{data.email}</strong>. Accepting adds you to the
            organization that invited you.
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={state !== 'idle'}
              onClick={() => void accept()}
            >
              {state === 'busy' ? 'Joining…' : 'Accept invitation'}
            </button>
            <button type="button" onClick={() => navigate('/', { replace: true })}>
              Not now
            </button>
          </div>
        </>
      ) : (
        <p className="error">This invitation link is incomplete: ask for a new one.</p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
