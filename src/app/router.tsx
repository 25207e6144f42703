/**
 * A tiny history router: the app has a handful of screens, so a dependency is not worth its
 * bytes on the first screen. Paths are matched by `matchRoute`; `navigate` pushes a history
 * entry and every `useLocation` re-renders.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export interface AppLocation {
  pathname: string;
  hash: string;
  search: string;
}

const listeners = new Set<() => void>();
let current = readLocation();

function readLocation(): AppLocation {
  return { pathname: location.pathname, hash: location.hash, search: location.search };
}

function notify(): void {
  const next = readLocation();
  if (
    next.pathname === current.pathname &&
    next.hash === current.hash &&
    next.search === current.search
  )
    return;
  current = next;
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);
window.addEventListener('hashchange', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
}

export function useLocation(): AppLocation {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}

export type Route =
  | { name: 'workflows' }
  | { name: 'workflow'; workflowId: string }
  | { name: 'members' }
  | { name: 'secrets' }
  | { name: 'changes' }
  | { name: 'new-organization' }
  | { name: 'invite'; token: string | null }
  | { name: 'signin' }
  | { name: 'signup' }
  | { name: 'not-found'; pathname: string };

export function matchRoute(where: AppLocation): Route {
  const path = where.pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/workflows') return { name: 'workflows' };
  const workflow = /^\/w\/([^/]+)$/.exec(path);
  if (workflow) return { name: 'workflow', workflowId: decodeURIComponent(workflow[1]!) };
  if (path === '/members') return { name: 'members' };
  if (path === '/secrets') return { name: 'secrets' };
  if (path === '/changes') return { name: 'changes' };
  if (path === '/organizations/new') return { name: 'new-organization' };
  if (path === '/signin') return { name: 'signin' };
  if (path === '/signup') return { name: 'signup' };
  if (path === '/invite') {
    // The token travels in the fragment so it never reaches a server log or a Referer header.
    const token = new URLSearchParams(where.hash.replace(/^#/, '')).get('token');
    return { name: 'invite', token: token && token.length > 0 ? token : null };
  }
  return { name: 'not-found', pathname: where.pathname };
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, href, ...rest } = props;
  function follow(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey
    )
      return;
    event.preventDefault();
    navigate(href);
  }
  return <a href={href} onClick={follow} {...rest} />;
}
