#!/usr/bin/env node
// nflens CLI launcher: runs the TypeScript core directly through tsx, so the CLI is always the same code
// as the page (no separate build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main, nodeIo } = await import('../src/cli/main.ts');
process.exitCode = main(process.argv.slice(2), nodeIo());
