/** The screen of a signed-out device. */
import { navigate } from '../router.tsx';
import { AuthForm, type AuthMode } from './AuthForm.tsx';

export function SignInScreen(props: { mode: AuthMode }) {
  return (
    <main className="auth-screen">
      <div className="auth-card">
        <Brand />
        <p className="muted">Build and run AI workflows — offline first, synced with your team.</p>
        <AuthForm
          mode={props.mode}
          onModeChange={(mode) =>
            navigate(mode === 'signin' ? '/signin' : '/signup', { replace: true })
          }
        />
      </div>
    </main>
  );
}

export function Brand() {
  return (
    <h1 className="brand">
      <img src="/icons/favicon-64.png" alt="" width="28" height="28" />
      Flowkeep
    </h1>
  );
}
