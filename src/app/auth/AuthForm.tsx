/** Sign in or create an account: e-mail and password, errors said in words. */
import { useState, type FormEvent } from 'react';
import { signIn, signUp } from './auth-commands.ts';
import { describeError } from './supabase-client.ts';

export type AuthMode = 'signin' | 'signup';

export function AuthForm(props: { mode: AuthMode; onModeChange: (mode: AuthMode) => void }) {
  const { mode } = props;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signin') await signIn(email.trim(), password);
      else await signUp(email.trim(), password);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  const title = mode === 'signin' ? 'Sign in' : 'Create your account';
  return (
    <form className="auth-form" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <label>
        Email
        <input
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
          required
          minLength={mode === 'signup' ? 8 : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Please wait…' : mode === 'signin' ? 'Sign in' : 'Create account'}
      </button>
      <p className="muted">
        {mode === 'signin' ? 'New to Flowkeep? ' : 'Already have an account? '}
        <button
          type="button"
          className="link"
          onClick={() => props.onModeChange(mode === 'signin' ? 'signup' : 'signin')}
        >
          {mode === 'signin' ? 'Create an account' : 'Sign in instead'}
        </button>
      </p>
    </form>
  );
}
