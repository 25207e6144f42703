/** Adding a secret, or editing one (the value only changes when a new one is typed). */
import { useState, type FormEvent } from 'react';
import type { SecretDoc } from '../../model/secret.ts';
import { errorMessage } from '../../model/errors.ts';

export interface SecretFormValues {
  name: string;
  provider: string | null;
  description: string;
  /** null when editing and left empty: keep the current value. */
  value: string | null;
}

export function SecretForm(props: {
  /** The secret being edited; absent to add one. */
  secret?: SecretDoc;
  onSubmit: (values: SecretFormValues) => Promise<void>;
  onCancel?: () => void;
}) {
  const { secret } = props;
  const [name, setName] = useState(secret?.name ?? '');
  const [provider, setProvider] = useState(secret?.provider ?? '');
  const [description, setDescription] = useState(secret?.description ?? '');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = secret ? `Edit ${secret.name}` : 'Add a secret';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (name.trim() === '') return setError('A secret needs a name');
    if (!secret && value === '') return setError('Type the secret’s value (e.g. the API key)');
    setBusy(true);
    try {
      await props.onSubmit({
        name: name.trim(),
        provider: provider.trim() || null,
        description: description.trim(),
        value: value === '' ? null : value,
      });
      if (!secret) {
        setName('');
        setProvider('');
        setDescription('');
      }
      setValue('');
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card stack" aria-label={label} onSubmit={submit}>
      <h3>{label}</h3>
      <label className="stack">
        <span>Name</span>
        <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="stack">
        <span>Provider</span>
        <input
          value={provider}
          placeholder="openai, slack, …"
          onChange={(e) => setProvider(e.target.value)}
        />
      </label>
      <label className="stack">
        <span>{secret ? 'New value (leave empty to keep the current one)' : 'Value'}</span>
        <input
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <label className="stack">
        <span>Description</span>
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {secret ? 'Save secret' : 'Add secret'}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
