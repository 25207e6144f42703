/** Create an organization (server-side: the creator becomes its owner) and switch to it. */
import { useState, type FormEvent } from 'react';
import { useAppData } from '../data/hooks.ts';
import { createOrganization } from '../data/organizations.ts';
import { switchTenant } from '../data/current-tenant.ts';
import { navigate } from '../router.tsx';
import { errorMessage } from '../../model/errors.ts';

export function NewOrganizationScreen() {
  const data = useAppData();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const tenantId = await createOrganization(name.trim());
      await data.refreshTenants();
      switchTenant(data.userId, tenantId);
      navigate('/');
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="screen narrow" aria-labelledby="new-org-heading">
      <h1 id="new-org-heading">New organization</h1>
      <p className="muted">You will be its owner and can invite others from the Members page.</p>
      <form className="stack" onSubmit={create} aria-label="New organization">
        <label>
          Organization name
          <input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Create organization
          </button>
          <button type="button" onClick={() => history.back()}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
