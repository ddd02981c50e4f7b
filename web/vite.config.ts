import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API_ORIGIN = process.env.HANBAT_API_ORIGIN ?? 'http://127.0.0.1:3000';

/** `npm run build:web` writes web/dist, which the platform serves at `/`; `npx vite --config web/vite.config.ts` proxies the API. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Consoles are split per route, so a citizen's phone never downloads the operator's charts.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/v1': API_ORIGIN,
      '/health': API_ORIGIN,
      '/openapi.json': API_ORIGIN,
    },
  },
});
