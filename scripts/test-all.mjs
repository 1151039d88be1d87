#!/usr/bin/env node
// `npm test`: type-check, unit tests (vitest), then end-to-end tests (Playwright on the built app).
// Every step runs even when an earlier one fails, and the run ends with one summary line the CI can read:
//   nflens tests: N passed, N failed (typecheck …, unit …, e2e …)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

const steps = [];

// 1. Type checks: the whole project, and the core alone without DOM or Node types.
const tsc = run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
const tscCore = run('npx', ['tsc', '-p', 'tsconfig.core.json', '--noEmit']);
steps.push({ name: 'typecheck', passed: (tsc === 0) + (tscCore === 0), failed: (tsc !== 0) + (tscCore !== 0) });

// 2. Unit tests.
const unitReport = 'test-results/unit-report.json';
rmSync(unitReport, { force: true });
const unit = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`]);
steps.push(countVitest(unitReport, unit));

// 3. End-to-end tests against the production build.
const build = run('npx', ['vite', 'build', '--logLevel', 'warn']);
if (build !== 0) {
  steps.push({ name: 'e2e', passed: 0, failed: 1, note: 'vite build failed' });
} else {
  const e2eReport = 'test-results/e2e-report.json';
  rmSync(e2eReport, { force: true });
  const e2e = run('npx', ['playwright', 'test']);
  steps.push(countPlaywright(e2eReport, e2e));
}

const passed = steps.reduce((n, s) => n + s.passed, 0);
const failed = steps.reduce((n, s) => n + s.failed, 0);
const detail = steps.map((s) => `${s.name} ${s.passed}/${s.passed + s.failed}${s.note ? ` (${s.note})` : ''}`).join(', ');
console.log(`\nnflens tests: ${passed} passed, ${failed} failed (${detail})`);
process.exit(failed > 0 ? 1 : 0);

function countVitest(file, status) {
  if (!existsSync(file)) return { name: 'unit', passed: 0, failed: 1, note: `vitest exited ${status} without a report` };
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const failedCount = r.numFailedTests + (status !== 0 && r.numFailedTests === 0 ? 1 : 0);
  return { name: 'unit', passed: r.numPassedTests, failed: failedCount, note: r.numPendingTests ? `${r.numPendingTests} skipped` : undefined };
}

function countPlaywright(file, status) {
  if (!existsSync(file)) return { name: 'e2e', passed: 0, failed: 1, note: `playwright exited ${status} without a report` };
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const s = r.stats ?? {};
  const failedCount = (s.unexpected ?? 0) + (s.flaky ?? 0) * 0 + (status !== 0 && !s.unexpected ? 1 : 0);
  return { name: 'e2e', passed: s.expected ?? 0, failed: failedCount, note: s.skipped ? `${s.skipped} skipped` : undefined };
}
