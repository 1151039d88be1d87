/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { contentSecurityPolicy } from './scripts/build/csp.ts';

export default defineConfig({
  // Relative base: the built app works from any path (a file server, a sub-folder).
  base: './',
  plugins: [contentSecurityPolicy()],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
