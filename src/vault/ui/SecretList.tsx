/**
 * A tenant's secrets: metadata, which workflows use each, and (for admins) edit, rotate and
 * delete. A value is decrypted only when the user asks to reveal it, and that is logged.
 */
import { useState } from 'react';
import type { SecretDoc } from '../../model/secret.ts';
import type { SecretUsage } from '../app-bindings.ts';
import type { SecretEvent } from '../vault-ports.ts';
import type { VaultService } from '../vault-service.ts';
import { SecretForm } from './SecretForm.tsx';
import { errorMessage } from '../../model/errors.ts';

export function SecretList(props: {
  vault: VaultService;
  secrets: SecretDoc[];
  usage: SecretUsage[];
  canManage: boolean;
}) {
  if (props.secrets.length === 0) return <p className="empty">No secrets yet.</p>;
  return (
    <ul className="secret-list" aria-label="Secrets">
      {props.secrets.map((secret) => (
        <SecretRow
          key={secret.id}
          vault={props.vault}
          secret={secret}
          usage={props.usage.filter((u) => u.secretId === secret.id)}
          canManage={props.canManage}
        />
      ))}
    </ul>
  );
}

type Mode = 'view' | 'edit' | 'rotate' | 'confirm-delete';

function SecretRow(props: {
  vault: VaultService;
  secret: SecretDoc;
  usage: SecretUsage[];
  canManage: boolean;
}) {
  const { vault, secret, usage, canManage } = props;
  const [mode, setMode] = useState<Mode>('view');
  const [revealed, setRevealed] = useState<string | null>(null);
  const [history, setHistory] = useState<SecretEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  const workflows = [...new Map(usage.map((u) => [u.workflowId, u.workflowName])).entries()];
  return (
    <li className="secret-row card" aria-label={secret.name}>
      <div className="screen-head">
        <strong>{secret.name}</strong>
        <span className="muted small">
          {secret.provider ?? secret.secret_type} · key v{secret.key_version}
          {secret.last_used_at
            ? ` · last used ${new Date(secret.last_used_at).toLocaleString()}`
            : ''}
        </span>
      </div>
      {secret.description && <p className="muted">{secret.description}</p>}
      <p className="small" aria-label={`Workflows using ${secret.name}`}>
        {workflows.length === 0
          ? 'Not used by any workflow'
          : `Used by ${workflows.map(([, name]) => name).join(', ')}`}
      </p>
      {revealed !== null && (
        <p>
          <code aria-label={`Value of ${secret.name}`}>{revealed}</code>
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {history !== null && (
        <ol className="small" aria-label={`History of ${secret.name}`}>
          {history.length === 0 && <li>No events recorded.</li>}
          {history.map((event, index) => {
            const workflow = event.workflowId
              ? (workflows.find(([id]) => id === event.workflowId)?.[1] ??
                `workflow ${event.workflowId.slice(0, 8)}`)
              : null;
            return (
              <li key={index}>
                {new Date(event.at).toLocaleString()} · {event.actorEmail ?? 'the server'} ·{' '}
                {event.action}
                {workflow ? ` · ${workflow}` : ''}
                {event.keyVersion !== null ? ` · key v${event.keyVersion}` : ''}
              </li>
            );
          })}
        </ol>
      )}
      {mode === 'edit' && (
        <SecretForm
          secret={secret}
          onCancel={() => setMode('view')}
          onSubmit={async (values) => {
            await vault.updateSecret(secret.id, {
              name: values.name,
              provider: values.provider,
              description: values.description,
              ...(values.value === null ? {} : { value: values.value }),
            });
            setRevealed(null);
            setMode('view');
          }}
        />
      )}
      {mode === 'rotate' && (
        <RotateValueForm
          name={secret.name}
          onCancel={() => setMode('view')}
          onRotate={async (value) => {
            await vault.rotateSecretValue(secret.id, value);
            setRevealed(null);
            setMode('view');
          }}
        />
      )}
      {mode === 'confirm-delete' && (
        <p className="notice">
          Delete {secret.name}?{' '}
          {workflows.length > 0 &&
            `${workflows.length} workflow(s) use it and will fail until given another secret. `}
          <button
            type="button"
            className="danger"
            onClick={() => run(() => vault.deleteSecret(secret.id))}
          >
            Delete for good
          </button>{' '}
          <button type="button" onClick={() => setMode('view')}>
            Keep it
          </button>
        </p>
      )}
      <span className="row-actions">
        {revealed === null ? (
          <button
            type="button"
            aria-label={`Reveal ${secret.name}`}
            onClick={() =>
              run(async () => setRevealed(await vault.readSecret(secret.id, { purpose: 'reveal' })))
            }
          >
            Reveal
          </button>
        ) : (
          <button
            type="button"
            aria-label={`Hide ${secret.name}`}
            onClick={() => setRevealed(null)}
          >
            Hide
          </button>
        )}
        {canManage && mode === 'view' && (
          <>
            <button
              type="button"
              aria-label={`Edit ${secret.name}`}
              onClick={() => setMode('edit')}
            >
              Edit
            </button>
            <button
              type="button"
              aria-label={`Rotate ${secret.name}`}
              onClick={() => setMode('rotate')}
            >
              Rotate
            </button>
            <button
              type="button"
              aria-label={`History of ${secret.name}`}
              aria-pressed={history !== null}
              onClick={() =>
                history !== null
                  ? setHistory(null)
                  : run(async () => setHistory(await vault.secretHistory(secret.id)))
              }
            >
              History
            </button>
            <button
              type="button"
              aria-label={`Delete ${secret.name}`}
              onClick={() => setMode('confirm-delete')}
            >
              Delete
            </button>
          </>
        )}
      </span>
    </li>
  );
}

function RotateValueForm(props: {
  name: string;
  onRotate: (value: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="inline-form"
      aria-label={`Rotate ${props.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (value === '') return setError('Paste the new value issued by the provider');
        props.onRotate(value).catch((failure: unknown) => setError(errorMessage(failure)));
      }}
    >
      <label>
        <span>New value for {props.name}</span>{' '}
        <input
          type="password"
          autoComplete="off"
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <button type="submit" className="primary">
        Rotate value
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
