/**
 * Opens the data core for a signed-in user, once per user per page. The implementation (RxDB,
 * and later sync) sits behind a dynamic import so the sign-in screen never loads it.
 */
import type { SignedInUser } from '../auth/session.ts';
import type { AppData } from './app-data.ts';

let active: { userId: string; opening: Promise<AppData> } | null = null;

export function openAppData(user: SignedInUser): Promise<AppData> {
  if (active?.userId === user.id) return active.opening;
  const previous = active;
  const opening = (async () => {
    if (previous) await (await previous.opening.catch(() => null))?.close();
    const { createRxAppData } = await import('./rx-app-data.ts');
    return createRxAppData(user);
  })();
  active = { userId: user.id, opening };
  opening.catch(() => {
    if (active?.opening === opening) active = null;
  });
  return opening;
}

/** Closes the open data core (sign-out). */
export async function closeAppData(): Promise<void> {
  const closing = active;
  active = null;
  if (closing) await (await closing.opening.catch(() => null))?.close();
}
