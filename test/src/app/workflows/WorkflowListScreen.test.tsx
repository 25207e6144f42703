// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AppData, TenantMembership } from '../../../../src/app/data/app-data.ts';
import { AppDataContext } from '../../../../src/app/data/hooks.ts';
import { WorkflowListScreen } from '../../../../src/app/workflows/WorkflowListScreen.tsx';
import { openLocalAppData } from '../support.ts';

const acme: TenantMembership = { id: crypto.randomUUID(), name: 'Acme', role: 'member' };
const other: TenantMembership = { id: crypto.randomUUID(), name: 'Other', role: 'owner' };

let data: AppData | null = null;
afterEach(async () => {
  cleanup();
  await data?.close();
  data = null;
});

function renderList(appData: AppData, tenant: TenantMembership) {
  return render(
    <AppDataContext.Provider value={appData}>
      <WorkflowListScreen tenant={tenant} />
    </AppDataContext.Provider>,
  );
}

describe('WorkflowListScreen', () => {
  it('creates, renames and deletes workflows in the local database', async () => {
    data = await openLocalAppData();
    const user = userEvent.setup();
    renderList(data, acme);
    await screen.findByText('No workflows in Acme yet.');

    await user.type(screen.getByRole('textbox', { name: 'Workflow name' }), 'Triage inbox');
    await user.click(screen.getByRole('button', { name: 'Create workflow' }));
    const row = await screen.findByRole('listitem', { name: 'Triage inbox' });
    expect(screen.getByRole('textbox', { name: 'Workflow name' })).toHaveProperty('value', '');

    await user.click(within(row).getByRole('button', { name: 'Rename Triage inbox' }));
    const input = screen.getByRole('textbox', { name: 'New name for Triage inbox' });
    await user.clear(input);
    await user.type(input, 'Triage support inbox');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    await screen.findByRole('listitem', { name: 'Triage support inbox' });

    await user.click(await screen.findByRole('button', { name: 'Delete Triage support inbox' }));
    await user.click(screen.getByRole('button', { name: 'Confirm delete Triage support inbox' }));
    await screen.findByText('No workflows in Acme yet.');
  });

  it('shows only the workflows of the organization it is given', async () => {
    data = await openLocalAppData();
    await data.createWorkflow(acme.id, 'Acme flow');
    await data.createWorkflow(other.id, 'Other flow');
    renderList(data, acme);
    await screen.findByRole('listitem', { name: 'Acme flow' });
    expect(screen.queryByRole('listitem', { name: 'Other flow' })).toBeNull();
  });

  it('lets a viewer read but not create, rename or delete, and says why', async () => {
    data = await openLocalAppData();
    await data.createWorkflow(acme.id, 'Read me');
    renderList(data, { ...acme, role: 'viewer' });
    await screen.findByRole('listitem', { name: 'Read me' });
    const create = screen.getByRole('button', { name: 'Create workflow' });
    expect(create).toHaveProperty('disabled', true);
    expect(
      screen.getByText(/As a viewer you cannot create, edit or delete workflows/),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Rename Read me' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete Read me' })).toBeNull();
  });

  it('shows a workflow another device wrote into the local database without a reload', async () => {
    data = await openLocalAppData();
    renderList(data, acme);
    await screen.findByText('No workflows in Acme yet.');
    await data.createWorkflow(acme.id, 'Arrived by sync');
    await waitFor(() =>
      expect(screen.getByRole('listitem', { name: 'Arrived by sync' })).toBeTruthy(),
    );
  });

  it('points out a workflow that kept the losing side of a sync conflict', async () => {
    data = await openLocalAppData();
    const id = await data.createWorkflow(acme.id, 'Contested');
    renderList(data, acme);
    await screen.findByRole('listitem', { name: 'Contested' });
    expect(screen.queryByText(/conflicting edit/)).toBeNull();
    await data.updateWorkflow(id, () => ({
      conflicts: [
        { path: 'name', value: 'Mine', winner: 'Contested', at: new Date().toISOString() },
      ],
    }));
    await screen.findByText(/^· 1 conflicting edit kept$/);
  });
});
