/**
 * Members of the current organization: invite by link, change role, remove, leave. These talk
 * to the server (membership is decided there), so they need a connection.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ROLE_RANK, type TenantRole } from '../../model/roles.ts';
import type { TenantMembership } from '../data/app-data.ts';
import { useAppData } from '../data/hooks.ts';
import {
  inviteMember,
  listMembers,
  removeMember,
  setMemberRole,
  type Member,
} from '../data/organizations.ts';
import { assignableRoles, whyNot } from '../permissions.ts';
import { navigate } from '../router.tsx';
import { errorMessage } from '../../model/errors.ts';

export function MembersScreen(props: { tenant: TenantMembership }) {
  const { tenant } = props;
  const data = useAppData();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refusal = whyNot(tenant.role, 'manage-members');

  // Reloads overlap (a click, a focus, an action's own reload): only the latest may answer,
  // or an older, slower response would put back a list from before someone joined or left.
  const latestReload = useRef(0);
  const reload = useCallback(async () => {
    const reloadId = ++latestReload.current;
    try {
      const loaded = await listMembers(tenant.id);
      if (reloadId !== latestReload.current) return;
      setMembers(loaded);
      setError(null);
    } catch (failure) {
      if (reloadId !== latestReload.current) return;
      setError(errorMessage(failure));
    }
  }, [tenant.id]);

  useEffect(() => {
    setMembers(null);
    void reload();
    // Someone may have joined through a link meanwhile: look again when the user comes back.
    const onFocus = () => void reload();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [reload]);

  async function run(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(failure));
    }
    await reload();
  }

  async function leave() {
    setError(null);
    try {
      await removeMember(tenant.id, data.userId);
      await data.refreshTenants();
      navigate('/');
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <section className="screen" aria-labelledby="members-heading">
      <div className="screen-head">
        <h1 id="members-heading">Members</h1>
        <span className="muted">
          {tenant.name} · you are {tenant.role}
        </span>
        <button type="button" className="small push-right" onClick={() => void reload()}>
          Refresh members
        </button>
      </div>
      {refusal ? <p className="notice">{refusal}</p> : <InviteForm tenant={tenant} />}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {members === null && !error && <p className="muted">Loading members…</p>}
      {members && (
        <table className="members" aria-label="Members">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => {
              const isMe = member.userId === data.userId;
              // Admins manage up to their own rank; only owners touch owners (server rule too).
              const manageable =
                !refusal && !isMe && ROLE_RANK[member.role] <= ROLE_RANK[tenant.role];
              return (
                <tr key={member.userId} aria-label={member.email}>
                  <td>
                    {member.displayName ? `${member.displayName} · ` : ''}
                    {member.email}
                    {isMe && <span className="muted"> (you)</span>}
                  </td>
                  <td>
                    {manageable ? (
                      <select
                        aria-label={`Role of ${member.email}`}
                        value={member.role}
                        onChange={(e) =>
                          void run(() =>
                            setMemberRole(tenant.id, member.userId, e.target.value as TenantRole),
                          )
                        }
                      >
                        {assignableRoles(tenant.role).map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className={`role role-${member.role}`}>{member.role}</span>
                    )}
                  </td>
                  <td className="row-actions">
                    {isMe ? (
                      <button type="button" onClick={() => void leave()}>
                        Leave organization
                      </button>
                    ) : (
                      manageable && (
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Remove ${member.email}`}
                          onClick={() => void run(() => removeMember(tenant.id, member.userId))}
                        >
                          Remove
                        </button>
                      )
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function InviteForm(props: { tenant: TenantMembership }) {
  const { tenant } = props;
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TenantRole>('member');
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function invite(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setLink(null);
    setCopied(false);
    try {
      setLink(await inviteMember(tenant.id, email.trim(), role));
      setEmail('');
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <div className="card">
      <form className="inline-form" onSubmit={invite} aria-label="Invite a member">
        <input
          type="email"
          aria-label="Email to invite"
          placeholder="colleague@example.com"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <select
          aria-label="Role for the invitation"
          value={role}
          onChange={(e) => setRole(e.target.value as TenantRole)}
        >
          {assignableRoles(tenant.role).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="primary">
          Create invitation link
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {link && (
        <div className="invite-link">
          <label>
            Invitation link (valid 7 days, works once)
            <input
              readOnly
              aria-label="Invitation link"
              value={link}
              onFocus={(e) => e.target.select()}
            />
          </label>
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard?.writeText(link).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
        </div>
      )}
    </div>
  );
}
