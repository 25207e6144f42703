import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const THEME_COLOUR = '#4f46e5';

// Paths the local server (and Supabase) answers itself: the service worker must never answer
// them with the app shell, and never cache them.
const API_PATHS = [/^\/auth\//, /^\/rest\//, /^\/realtime\//, /^\/storage\//, /^\/functions\//];

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      // 'prompt': a new version waits until the user accepts it (src/app/shell/UpdatePrompt.tsx),
      // so an update never reloads the page over work in progress.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/favicon-64.png', 'icons/apple-touch-icon-180.png'],
      manifest: {
        id: '/',
        name: 'Flowkeep',
        short_name: 'Flowkeep',
        description: 'Build and run AI workflows, offline first, synced with your team.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f6f7fb',
        theme_color: THEME_COLOUR,
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        // Every chunk, lazy ones included (editor, supabase-js), so the whole app runs offline.
        globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest,wasm}'],
        // RxDB's dev-mode and schema validator are only imported by development builds.
        globIgnores: ['config.json', '**/dev-mode-*.js', '**/validate-ajv-*.js'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [...API_PATHS, /^\/config\.json$/],
        // The first install takes control at once, so the first visit already works offline.
        // Later versions still wait for the user's go-ahead (skipWaiting stays off).
        clientsClaim: true,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            // The server tells the app where its API is; fresh when online, cached for offline.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname === '/config.json',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'flowkeep-config',
              networkTimeoutSeconds: 3,
              expiration: { maxEntries: 1 },
            },
          },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    port: 5173,
  },
});
