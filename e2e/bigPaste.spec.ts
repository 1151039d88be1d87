// A big paste does not freeze the page: the parse runs in the worker, the status bar says how far it is and
// offers Cancel, which stops it (the worker is replaced) while the page keeps answering.
import { editorLines, expect, notices, openApp, pasteIntoEditor, statusBar, test } from './helpers.ts';

/** An nft ruleset of `rules` rules in one chain (about 100 characters a rule). */
function bigRuleset(rules: number): string {
  const lines = ['table ip big {', '  chain input {', '    type filter hook input priority 0; policy accept;'];
  for (let i = 0; i < rules; i++) {
    lines.push(`    ip saddr 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} tcp dport ${i % 65535} counter packets 0 bytes 0 accept comment "rule ${i}"`);
  }
  lines.push('  }', '}', '');
  return lines.join('\n');
}

test('a 12 MB paste parses off the main thread with progress, and Cancel stops it', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await pasteIntoEditor(page, bigRuleset(120_000));
  const time = statusBar(page).getByTestId('status-time');
  await expect(time).toContainText(/Parsing 1\d\.\d MB… (detecting the format|parsing|checking) · \d+ s/);
  // The main thread answers while the worker parses.
  const started = Date.now();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  expect(Date.now() - started).toBeLessThan(1000);
  await statusBar(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(time).toContainText(/Parsing cancelled \(1\d\.\d MB\)/);
  // Parsing again finishes: the fresh worker takes requests.
  await statusBar(page).getByRole('button', { name: 'Parse again' }).click();
  await expect(time).toContainText(/Parsed in [\d,.]+ ms/, { timeout: 90_000 });
  await expect(statusBar(page).getByTestId('status-counts')).toContainText('120,000 rules');
});

test('a large workspace is saved in IndexedDB and comes back after a reload', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  // 20 000 rules ≈ 2 MB: above localStorage's share, so the session goes to IndexedDB (as an object).
  await pasteIntoEditor(page, bigRuleset(20_000));
  await expect(statusBar(page).getByTestId('status-counts')).toContainText('20,000 rules', { timeout: 60_000 });
  await expect(page.getByTestId('save-status')).toHaveText(/Saved in this browser \(IndexedDB\)/, { timeout: 30_000 });
  await page.reload();
  await expect(notices(page).getByText('Restored your last session')).toBeVisible({ timeout: 30_000 });
  await expect(statusBar(page).getByTestId('status-counts')).toContainText('20,000 rules', { timeout: 60_000 });
  await expect(editorLines(page).first()).toHaveText('table ip big {');
});

test('a dump of several MB pasted over the editor is shown, parsed and still editable', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  // 50 000 rules ≈ 5 MB: above the size that goes into a fresh editor model instead of an edit.
  const dump = bigRuleset(50_000);
  await pasteIntoEditor(page, dump);
  await expect(editorLines(page).first()).toHaveText('table ip big {');
  const counts = statusBar(page).getByTestId('status-counts');
  await expect(counts).toContainText('1 table', { timeout: 60_000 });
  await expect(counts).toContainText('50,000 rules');
  // An edit after the paste reaches the store and is parsed: a second table typed at the end.
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('table ip t2 {\n');
  await expect(counts).toContainText('2 tables', { timeout: 60_000 });
  await expect(counts).toContainText('50,000 rules');
});
