/** Setting up, unlocking and resetting the vault passphrase. */
import { useEffect, useState, type FormEvent } from 'react';
import { MIN_PASSPHRASE_LENGTH } from '../passphrase-kdf.ts';
import type { ResetConsequence, VaultService } from '../vault-service.ts';
import { errorMessage } from '../../model/errors.ts';

function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, submit };
}

function PassphraseField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <label className="stack">
      <span>{props.label}</span>
      <input
        type="password"
        autoComplete="off"
        value={props.value}
        autoFocus={props.autoFocus}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

export function SetUpVaultForm(props: { vault: VaultService }) {
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    if (passphrase !== repeat)
      throw new Error('The two passphrases differ: type the same one twice');
    await props.vault.setUp(passphrase);
  });
  return (
    <form className="card stack" aria-label="Set up your vault" onSubmit={submit}>
      <h2>Set up your vault</h2>
      <p>
        Secrets are encrypted on your devices with a key only your vault passphrase opens. Flowkeep
        and its server never see the passphrase and cannot recover it.
      </p>
      <PassphraseField
        label="Vault passphrase"
        value={passphrase}
        onChange={setPassphrase}
        autoFocus
      />
      <PassphraseField label="Repeat the passphrase" value={repeat} onChange={setRepeat} />
      <p className="muted small">
        At least {MIN_PASSPHRASE_LENGTH} characters; a few unrelated words work well. Use a
        different one from your account password.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Setting up…' : 'Set up vault'}
      </button>
    </form>
  );
}

export function UnlockVaultForm(props: { vault: VaultService; onForgot: () => void }) {
  const [passphrase, setPassphrase] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await props.vault.unlock(passphrase);
    setPassphrase('');
  });
  return (
    <form className="card stack" aria-label="Unlock your vault" onSubmit={submit}>
      <h2>Unlock your vault</h2>
      <PassphraseField
        label="Vault passphrase"
        value={passphrase}
        onChange={setPassphrase}
        autoFocus
      />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || passphrase === ''}>
          {busy ? 'Unlocking…' : 'Unlock vault'}
        </button>
        <button type="button" onClick={props.onForgot}>
          Forgot your passphrase?
        </button>
      </div>
    </form>
  );
}

export interface TenantLabel {
  id: string;
  name: string;
}

export function ResetVaultForm(props: {
  vault: VaultService;
  tenants: TenantLabel[];
  onCancel: () => void;
}) {
  const [consequences, setConsequences] = useState<ResetConsequence[] | null>(null);
  const [understood, setUnderstood] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const { busy, error, setError, submit } = useSubmit(async () => {
    if (passphrase !== repeat)
      throw new Error('The two passphrases differ: type the same one twice');
    await props.vault.resetForgottenPassphrase(passphrase);
  });
  const { vault, tenants } = props;
  const tenantKey = tenants.map((t) => t.id).join(',');
  useEffect(() => {
    vault
      .describeReset(tenantKey.split(','))
      .then(setConsequences, (failure: unknown) => setError(errorMessage(failure)));
  }, [vault, tenantKey, setError]);
  const nameOf = (id: string) => tenants.find((t) => t.id === id)?.name ?? id;
  const lost = consequences?.filter((c) => !c.recoverable && c.liveSecrets > 0) ?? [];
  return (
    <form className="card stack" aria-label="Reset your vault" onSubmit={submit}>
      <h2>Reset your vault</h2>
      <p>
        Nobody can recover a forgotten vault passphrase. Resetting gives you a new key pair: the
        keys shared with your old one can no longer be opened.
      </p>
      {consequences === null ? (
        <p className="muted">Checking what a reset would cost…</p>
      ) : (
        <ul aria-label="What a reset costs">
          {consequences.map((c) => (
            <li key={c.tenantId}>
              {c.recoverable
                ? `${nameOf(c.tenantId)}: an admin’s Flowkeep gives you access again as soon as one is online; nothing is lost.`
                : c.liveSecrets > 0
                  ? `${nameOf(c.tenantId)}: nobody else holds its key, so its ${c.liveSecrets} secret${c.liveSecrets === 1 ? '' : 's'} will be lost for good and must be entered again.`
                  : `${nameOf(c.tenantId)}: no secrets to lose.`}
            </li>
          ))}
        </ul>
      )}
      <label>
        <input
          type="checkbox"
          checked={understood}
          onChange={(e) => setUnderstood(e.target.checked)}
        />{' '}
        {lost.length > 0 ? 'I understand these secrets will be lost' : 'I understand'}
      </label>
      <PassphraseField label="New vault passphrase" value={passphrase} onChange={setPassphrase} />
      <PassphraseField label="Repeat the new passphrase" value={repeat} onChange={setRepeat} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button
          type="submit"
          className="danger"
          disabled={busy || !understood || consequences === null}
        >
          Reset vault
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Same key pair, new passphrase: nothing shared with the user changes. */
export function ChangePassphraseForm(props: { vault: VaultService; onDone: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    if (next !== repeat) throw new Error('The two new passphrases differ: type the same one twice');
    await props.vault.changePassphrase(current, next);
    props.onDone();
  });
  return (
    <form className="card stack" aria-label="Change your vault passphrase" onSubmit={submit}>
      <PassphraseField
        label="Current vault passphrase"
        value={current}
        onChange={setCurrent}
        autoFocus
      />
      <PassphraseField label="New vault passphrase" value={next} onChange={setNext} />
      <PassphraseField label="Repeat the new passphrase" value={repeat} onChange={setRepeat} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Change passphrase
        </button>
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
