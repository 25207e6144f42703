/** React hooks over the data interface: the only way screens read data. */
import { createContext, useContext, useMemo, useSyncExternalStore } from 'react';
import type {
  AppData,
  RejectedChange,
  SyncState,
  TenantMembership,
  WorkflowSummary,
} from './app-data.ts';
import type { WorkflowDoc } from '../../model/workflow.ts';
import type { Store } from './store.ts';

export const AppDataContext = createContext<AppData | null>(null);

export function useAppData(): AppData {
  const data = useContext(AppDataContext);
  if (!data)
    throw new Error('useAppData() needs an <AppDataContext.Provider> (signed-in screens only)');
  return data;
}

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}

export function useTenants(): TenantMembership[] {
  return useStore(useAppData().tenants);
}

export function useSyncStatus(): SyncState {
  return useStore(useAppData().syncState);
}

export function useRejectedChanges(): RejectedChange[] {
  return useStore(useAppData().rejectedChanges);
}

export function useWorkflows(tenantId: string): WorkflowSummary[] | undefined {
  const data = useAppData();
  const store = useMemo(() => data.workflows(tenantId), [data, tenantId]);
  return useStore(store);
}

export function useWorkflow(workflowId: string): WorkflowDoc | null | undefined {
  const data = useAppData();
  const store = useMemo(() => data.workflow(workflowId), [data, workflowId]);
  return useStore(store);
}
