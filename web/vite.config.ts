import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

// The backend (ASP.NET Core on :7071) serves the API; in `npm run dev` Vite forwards to it so the
// portal and the API share one origin, as they do when the backend serves web/dist.
const backend = 'http://localhost:7071';
const proxy = {
  '/api': { target: backend, changeOrigin: true },
  '/openapi': { target: backend, changeOrigin: true },
};

export default defineConfig({
  plugins: [preact()],
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // scripts/bundle-sizes.mjs follows each page's chunk and what it imports through the manifest.
    manifest: true,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
