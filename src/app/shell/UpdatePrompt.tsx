/**
 * The service worker's update flow (registerType: 'prompt'): a new version waits until the
 * user accepts it, and acceptance is refused while a reload would lose typed work.
 */
import { useEffect, useState } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { hasUnsavedWork } from './unsaved-work.ts';

export function UpdatePrompt() {
  const [blocked, setBlocked] = useState(false);
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      // Look for a new version every hour while the app stays open.
      if (registration)
        setInterval(() => void registration.update().catch(() => {}), 60 * 60 * 1000);
    },
  });

  useEffect(() => {
    if (!offlineReady) return;
    const timer = setTimeout(() => setOfflineReady(false), 6000);
    return () => clearTimeout(timer);
  }, [offlineReady, setOfflineReady]);

  if (offlineReady) {
    return (
      <div className="toast" role="status">
        Flowkeep is ready to work offline.
      </div>
    );
  }
  if (!needRefresh) return null;
  return (
    <div className="toast" role="alertdialog" aria-label="Update available">
      <span>A new version of Flowkeep is available.</span>
      {blocked && (
        <span className="error">Finish or leave the field you are editing first, then reload.</span>
      )}
      <button
        type="button"
        className="primary"
        onClick={() => {
          if (hasUnsavedWork()) {
            setBlocked(true);
            return;
          }
          // workbox-window reloads by itself only when the page was already controlled when it
          // loaded; after a first visit it does not, so reload here once the new worker controls.
          navigator.serviceWorker?.addEventListener('controllerchange', () => location.reload(), {
            once: true,
          });
          void updateServiceWorker(true);
        }}
      >
        Reload to update
      </button>
      <button type="button" onClick={() => setNeedRefresh(false)}>
        Later
      </button>
    </div>
  );
}
