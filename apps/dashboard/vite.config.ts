import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the gateway at /app/; during development `vite` proxies the API to a local gateway.
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/account': 'http://localhost:8080', '/v1': 'http://localhost:8080' } },
});
