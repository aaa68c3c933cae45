import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiUrl = process.env.ROSTER_API_URL ?? 'http://localhost:3000';
const devPort = 5173;

/** The console's build: `web/` in, `web/dist` out; the dev server proxies the API to a local Roster. */
// A default export because Vite loads its config that way.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    port: devPort,
    strictPort: true,
    proxy: {
      '/api': {
        target: apiUrl,
        configure: (proxy) => {
          // The API takes state-changing requests only from its own origin (PUBLIC_URL): present the
          // dev server's pages as coming from there. Start the API with PUBLIC_URL=<ROSTER_API_URL>.
          proxy.on('proxyReq', (request) => {
            if (request.getHeader('origin') === `http://localhost:${devPort}`)
              request.setHeader('origin', apiUrl);
          });
        },
      },
    },
  },
});
