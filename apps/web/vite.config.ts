import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The browser only ever needs the zod model, never the package root (which
 * pulls in execa). Resolving the model from source keeps the web build and
 * typecheck independent of whether packages/rules has been built yet.
 */
const rulesModel = fileURLToPath(new URL('../../packages/rules/src/model.ts', import.meta.url));

const apiTarget = process.env.GATEHOUSE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [{ find: /^@gatehouse\/rules\/model$/, replacement: rulesModel }],
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  // The live stream's worker (src/lib/live-worker.ts) is a module, as the page's scripts are.
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
