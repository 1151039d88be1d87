// Printer against the real nft and kernel: every nft JSON dump of the corpus goes JSON → IR → nft text →
// `nft -f` in a private network namespace → `nft -j list ruleset` → IR, which must equal the start.
import { describe, expect, it } from 'vitest';
import { oracleStatus } from './nftOracle.ts';
import { runRoundTrip } from './kernelRoundTrip.ts';

const status = oracleStatus();
const inCi = process.env['CI'] === 'true';

describe('IR → nft text → kernel → nft -j → IR', () => {
  it('requires the oracle in CI', () => {
    // Skipping silently in CI would hide the strongest printer test; elsewhere it may be missing.
    if (inCi) expect(status, 'nft, unshare and root are needed in CI').toMatchObject({ available: true });
  });

  const title = status.available ? `round-trips every loadable corpus dump through ${status.version}` : `round-trips the corpus through nft (skipped: ${status.reason})`;
  it.skipIf(!status.available)(title, () => {
    const report = runRoundTrip();
    const loadable = report.count('equal') + report.count('equal-to-twin') + report.count('failed');
    const skipped = report.cases.filter((c) => c.outcome.kind === 'skipped');
    const reasons = new Map<string, number>();
    for (const c of skipped) {
      const reason = c.outcome.kind === 'skipped' ? c.outcome.reason.replace(/:.*/s, '') : '';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    console.log(
      `${loadable - report.count('failed')}/${loadable} loadable files round-trip through the kernel ` +
        `(${report.count('equal')} to the same IR, ${report.count('equal-to-twin')} to the installed nft's listing of the original text); ` +
        `${skipped.length} skipped: ${[...reasons].map(([r, n]) => `${n} × ${r}`).join('; ')}`,
    );
    const failures = report.cases.filter((c) => c.outcome.kind === 'failed').map((c) => `${c.json}: ${c.outcome.kind === 'failed' ? c.outcome.reason : ''}`);
    expect(failures).toEqual([]);
    expect(report.count('equal')).toBeGreaterThan(300);
  }, 120_000);
});
