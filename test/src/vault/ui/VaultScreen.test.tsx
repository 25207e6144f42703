/**
 * The vault screen with the real vault service, over real Postgres (PGlite) acting as each
 * user, as a user sees it: set up, add a secret, see which workflows use it, reveal, rotate,
 * lock, fail to unlock with a wrong passphrase, unlock, and a member waiting for the key.
 */
import { webcrypto } from 'node:crypto';
import { builtinEnvironments } from 'vitest/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SecretUsage, VaultBindings } from '../../../../src/vault/app-bindings.ts';
import { createTestDatabase, type TestDatabase } from '../../../helpers/database.ts';
import { createDevice, sqlRpcClient, type Device } from '../devices.ts';

// The database (PGlite) is created in plain Node; only then does the page get a DOM (jsdom),
// with Node's SubtleCrypto, which jsdom lacks and browsers have.
type TestingLibrary = typeof import('@testing-library/react');
let cleanup: TestingLibrary['cleanup'];
let fireEvent: TestingLibrary['fireEvent'];
let render: TestingLibrary['render'];
let screen: TestingLibrary['screen'];
let waitFor: TestingLibrary['waitFor'];
let within: TestingLibrary['within'];
let VaultScreen: typeof import('../../../../src/vault/VaultScreen.tsx').default;

async function loadDom() {
  await builtinEnvironments.jsdom.setup(globalThis, {});
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
  ({ cleanup, fireEvent, render, screen, waitFor, within } =
    await import('@testing-library/react'));
  VaultScreen = (await import('../../../../src/vault/VaultScreen.tsx')).default;
}

const ALICE_PASSPHRASE = 'alice screen passphrase 42';

function bindingsFor(device: Device, usage: SecretUsage[] = []): VaultBindings {
  return {
    vault: device.vault,
    secrets: { watch: device.store.watch },
    workflowUsage: {
      watch: (_tenantId, listener) => {
        listener(usage);
        return () => undefined;
      },
    },
  };
}

const type = (label: string, value: string, within_: HTMLElement = document.body) =>
  fireEvent.change(within(within_).getByLabelText(label), { target: { value } });

describe('VaultScreen', () => {
  let db: TestDatabase;
  let tenant: string;
  let alice: Device;
  let bob: Device;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    const aliceId = await db.createUser('alice@example.com');
    const bobId = await db.createUser('bob@example.com');
    const { rows } = await db.sql.query<{ tenant_id: string }>(
      "select tenant_id from public.tenant_members where user_id = $1 and role = 'owner'",
      [aliceId],
    );
    tenant = rows[0]!.tenant_id;
    await db.sql.query(
      "insert into public.tenant_members (tenant_id, user_id, role) values ($1, $2, 'member')",
      [tenant, bobId],
    );
    alice = createDevice(aliceId, sqlRpcClient(db, aliceId));
    bob = createDevice(bobId, sqlRpcClient(db, bobId));
    await loadDom();
  }, 120_000);

  afterEach(() => cleanup());
  afterAll(async () => {
    await db?.close();
  });

  it('sets up the vault, adds a secret, shows its workflows, reveals and rotates it', async () => {
    let secretId = '';
    const usage = () => [
      {
        secretId,
        workflowId: 'w1',
        workflowName: 'Daily digest',
        nodeId: 'n1',
        nodeLabel: 'Summarize',
      },
    ];
    const view = render(
      <VaultScreen
        tenantId={tenant}
        role="owner"
        userId={alice.userId}
        bindings={bindingsFor(alice)}
      />,
    );
    const setUp = await screen.findByRole('form', { name: 'Set up your vault' });
    type('Vault passphrase', ALICE_PASSPHRASE, setUp);
    type('Repeat the passphrase', 'something else entirely', setUp);
    fireEvent.click(within(setUp).getByRole('button', { name: 'Set up vault' }));
    expect((await within(setUp).findByRole('alert')).textContent).toMatch(/two passphrases differ/);
    type('Repeat the passphrase', ALICE_PASSPHRASE, setUp);
    fireEvent.click(within(setUp).getByRole('button', { name: 'Set up vault' }));

    const add = await screen.findByRole('form', { name: 'Add a secret' }, { timeout: 10_000 });
    expect((await screen.findByRole('status')).textContent).toContain(
      'Set up this organization’s vault.',
    );
    type('Name', 'OpenAI', add);
    type('Provider', 'openai', add);
    type('Value', 'sk-screen-secret-value', add);
    fireEvent.click(within(add).getByRole('button', { name: 'Add secret' }));
    const row = await screen.findByRole('listitem', { name: 'OpenAI' }, { timeout: 10_000 });
    expect(row.textContent).not.toContain('sk-screen-secret-value');
    secretId = [...alice.store.docs.values()][0]!.id;

    // Which workflows use it: re-render with usage now that the id is known.
    view.rerender(
      <VaultScreen
        tenantId={tenant}
        role="owner"
        userId={alice.userId}
        bindings={bindingsFor(alice, usage())}
      />,
    );
    expect((await screen.findByLabelText('Workflows using OpenAI')).textContent).toContain(
      'Used by Daily digest',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Reveal OpenAI' }));
    expect((await screen.findByLabelText('Value of OpenAI')).textContent).toContain(
      'sk-screen-secret-value',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Hide OpenAI' }));

    fireEvent.click(screen.getByRole('button', { name: 'Rotate OpenAI' }));
    const rotate = screen.getByRole('form', { name: 'Rotate OpenAI' });
    type('New value for OpenAI', 'sk-screen-rotated-value', rotate);
    fireEvent.click(within(rotate).getByRole('button', { name: 'Rotate value' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Rotate OpenAI' })).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Reveal OpenAI' }));
    expect((await screen.findByLabelText('Value of OpenAI')).textContent).toContain(
      'sk-screen-rotated-value',
    );
    const audit = await db.sql.query<{ action: string }>(
      'select action from public.secret_audit_log where secret_id = $1 order by id',
      [secretId],
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'created',
      'revealed',
      'updated',
      'rotated',
      'revealed',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'History of OpenAI' }));
    const history = await screen.findByRole('list', { name: 'History of OpenAI' });
    const lines = within(history)
      .getAllByRole('listitem')
      .map((item) => item.textContent ?? '');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/alice@example\.com · revealed · key v1/);
    expect(lines[4]).toMatch(/alice@example\.com · created · key v1/);
  });

  it('locks, refuses a wrong passphrase with a clear message, and unlocks', async () => {
    render(
      <VaultScreen
        tenantId={tenant}
        role="owner"
        userId={alice.userId}
        bindings={bindingsFor(alice)}
      />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Lock vault' }));
    const unlock = await screen.findByRole('form', { name: 'Unlock your vault' });
    expect(alice.vault.isUnlocked).toBe(false);
    type('Vault passphrase', 'not the passphrase', unlock);
    fireEvent.click(within(unlock).getByRole('button', { name: 'Unlock vault' }));
    expect(
      (await within(unlock).findByRole('alert', {}, { timeout: 10_000 })).textContent,
    ).toContain('Wrong vault passphrase: nothing was changed');
    type('Vault passphrase', ALICE_PASSPHRASE, unlock);
    fireEvent.click(within(unlock).getByRole('button', { name: 'Unlock vault' }));
    expect(
      (await screen.findByRole('listitem', { name: 'OpenAI' }, { timeout: 10_000 })).isConnected,
    ).toBe(true);
  });

  it('shows a member that they wait for an admin, then their secrets once shared', async () => {
    await bob.vault.setUp('bob screen passphrase 77');
    render(
      <VaultScreen
        tenantId={tenant}
        role="member"
        userId={bob.userId}
        bindings={bindingsFor(bob)}
      />,
    );
    expect((await screen.findByText(/Waiting for access/)).isConnected).toBe(true);
    expect(screen.queryByRole('form', { name: 'Add a secret' })).toBeNull();

    // Alice's client, online elsewhere, shares the key with no manual step.
    expect((await alice.vault.openTenant(tenant)).grantedTo).toEqual([bob.userId]);
    cleanup();
    await bob.store.pullUntil(() => bob.store.docs.size > 0);
    render(
      <VaultScreen
        tenantId={tenant}
        role="member"
        userId={bob.userId}
        bindings={bindingsFor(bob)}
      />,
    );
    const row = await screen.findByRole('listitem', { name: 'OpenAI' }, { timeout: 10_000 });
    expect(within(row).queryByRole('button', { name: 'Edit OpenAI' })).toBeNull();
    fireEvent.click(within(row).getByRole('button', { name: 'Reveal OpenAI' }));
    expect((await screen.findByLabelText('Value of OpenAI')).textContent).toContain(
      'sk-screen-rotated-value',
    );
  });
  it('resets a forgotten passphrase after saying what it costs, then waits for an admin', async () => {
    bob.vault.lock();
    render(
      <VaultScreen
        tenantId={tenant}
        role="member"
        userId={bob.userId}
        bindings={bindingsFor(bob)}
        tenants={[{ id: tenant, name: 'Alice’s Organization' }]}
      />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Forgot your passphrase?' }));
    const reset = await screen.findByRole('form', { name: 'Reset your vault' });
    const cost = await within(reset).findByRole(
      'list',
      { name: 'What a reset costs' },
      { timeout: 10_000 },
    );
    expect(cost.textContent).toMatch(
      /Alice’s Organization: an admin’s Flowkeep gives you access again .* nothing is lost/,
    );
    const resetButton = within(reset).getByRole('button', {
      name: 'Reset vault',
    }) as HTMLButtonElement;
    expect(resetButton.disabled).toBe(true);
    fireEvent.click(within(reset).getByRole('checkbox'));
    type('New vault passphrase', 'bob after forgetting 11', reset);
    type('Repeat the new passphrase', 'bob after forgetting 11', reset);
    fireEvent.click(resetButton);
    expect(
      (await screen.findByText(/Waiting for access/, {}, { timeout: 10_000 })).isConnected,
    ).toBe(true);

    expect((await alice.vault.openTenant(tenant)).grantedTo).toEqual([bob.userId]);
    cleanup();
    render(
      <VaultScreen
        tenantId={tenant}
        role="member"
        userId={bob.userId}
        bindings={bindingsFor(bob)}
      />,
    );
    const row = await screen.findByRole('listitem', { name: 'OpenAI' }, { timeout: 10_000 });
    fireEvent.click(within(row).getByRole('button', { name: 'Reveal OpenAI' }));
    expect((await screen.findByLabelText('Value of OpenAI')).textContent).toContain(
      'sk-screen-rotated-value',
    );
  });
  it('changes the passphrase, refusing a wrong current one, and keeps every secret readable', async () => {
    render(
      <VaultScreen
        tenantId={tenant}
        role="owner"
        userId={alice.userId}
        bindings={bindingsFor(alice)}
      />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Change passphrase' }));
    const change = screen.getByRole('form', { name: 'Change your vault passphrase' });
    type('Current vault passphrase', 'not the current one', change);
    type('New vault passphrase', 'alice second passphrase 5', change);
    type('Repeat the new passphrase', 'alice second passphrase 5', change);
    fireEvent.click(within(change).getByRole('button', { name: 'Change passphrase' }));
    expect((await within(change).findByRole('alert', {}, { timeout: 10_000 })).textContent).toBe(
      'Wrong vault passphrase: nothing was changed',
    );
    type('Current vault passphrase', ALICE_PASSPHRASE, change);
    fireEvent.click(within(change).getByRole('button', { name: 'Change passphrase' }));
    await waitFor(
      () => expect(screen.queryByRole('form', { name: 'Change your vault passphrase' })).toBeNull(),
      {
        timeout: 10_000,
      },
    );

    fireEvent.click(screen.getByRole('button', { name: 'Lock vault' }));
    const unlock = await screen.findByRole('form', { name: 'Unlock your vault' });
    type('Vault passphrase', ALICE_PASSPHRASE, unlock);
    fireEvent.click(within(unlock).getByRole('button', { name: 'Unlock vault' }));
    expect((await within(unlock).findByRole('alert', {}, { timeout: 10_000 })).textContent).toBe(
      'Wrong vault passphrase: nothing was changed',
    );
    type('Vault passphrase', 'alice second passphrase 5', unlock);
    fireEvent.click(within(unlock).getByRole('button', { name: 'Unlock vault' }));
    const row = await screen.findByRole('listitem', { name: 'OpenAI' }, { timeout: 10_000 });
    fireEvent.click(within(row).getByRole('button', { name: 'Reveal OpenAI' }));
    expect((await screen.findByLabelText('Value of OpenAI')).textContent).toContain(
      'sk-screen-rotated-value',
    );
  });
});
