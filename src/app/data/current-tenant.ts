/**
 * Which organization this device shows, remembered per user in localStorage so the next start
 * (online or not) opens the same one. Switching is local: it only changes what is shown.
 */
import { useSyncExternalStore } from 'react';
import type { TenantMembership } from './app-data.ts';
import { createStore } from './store.ts';

const storageKey = (userId: string) => `flowkeep.currentTenant.${userId}`;
// Bumped on every switch so hooks re-read localStorage.
const switches = createStore(0);

export function rememberedTenantId(userId: string): string | null {
  return localStorage.getItem(storageKey(userId));
}

export function switchTenant(userId: string, tenantId: string): void {
  localStorage.setItem(storageKey(userId), tenantId);
  switches.set(switches.get() + 1);
}

/** The remembered tenant if the user still belongs to it, else the first one they own, else any. */
export function pickTenant(userId: string, tenants: TenantMembership[]): TenantMembership | null {
  const remembered = rememberedTenantId(userId);
  return (
    tenants.find((t) => t.id === remembered) ??
    tenants.find((t) => t.role === 'owner') ??
    tenants[0] ??
    null
  );
}

export function useCurrentTenant(
  userId: string,
  tenants: TenantMembership[],
): TenantMembership | null {
  useSyncExternalStore(switches.subscribe, switches.get);
  return pickTenant(userId, tenants);
}
