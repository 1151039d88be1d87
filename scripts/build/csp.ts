// The Content-Security-Policy the built page ships (a <meta> in index.html, added at build time only: the dev
// server's HMR client needs more). What each directive allows and why is in docs/privacy.md.
// Node-only build helper; imports Vite's plugin type.
import type { Plugin } from 'vite';

/** No 'unsafe-eval', no inline or foreign script: scripts and workers come from the page's own files only.
 *  Styles allow 'unsafe-inline' because Monaco and React Flow add <style> elements at run time. `connect-src
 *  'self'` means even a bug cannot send a pasted ruleset anywhere else. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'nflens-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
    },
  };
}
