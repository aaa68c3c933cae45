import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiUrl = process.env.ROSTER_API_URL ?? 'http://localhost:3000';
const devPort = 5173;

/** The console's build: `web/` in, `web/dist` out; the dev server proxies the API to a local Roster. */
// A default export because Vite loads its config that way.
export default defineConfig({
  root,
  // Every file also as .br and .gz beside it: the server sends the one the browser accepts, with no work per request.
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'] })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Ant Design is one long-cached chunk of about 1 MB (270 kB brotli); warn only beyond it.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Libraries change less often than the console: in chunks of their own, they stay cached across
        // our releases: React and the router, Ant Design's icons, Ant Design with its rc-* parts, the rest.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/,
              priority: 3,
            },
            { name: 'icons', test: /node_modules[\\/]@ant-design[\\/]icons/, priority: 3 },
            {
              name: 'antd',
              test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@emotion|dayjs)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
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
