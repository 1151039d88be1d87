import { test } from '@playwright/test';
import { readFileSync } from 'node:fs';
test.use({ viewport: { width: 1600, height: 1000 } });
test('zz', async ({ page }) => {
  const text = readFileSync('/tmp/nflens-bench/kp-100x10-s1-ee1bd9af041d/nftables/nft-list-ruleset.nft', 'utf8');
  await page.goto('/');
  await page.getByTestId('status-time').filter({ hasText: /Parsed in/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByText('New, empty workspace').first().waitFor({ timeout: 30_000 });
  await page.getByRole('tab', { name: 'Graph', exact: true }).click();
  await page.locator('[data-testid="source-editor"] .native-edit-context, [data-testid="source-editor"] textarea.inputarea').first().focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((t) => {
    const target = document.querySelector('[data-testid="source-editor"] .native-edit-context, [data-testid="source-editor"] textarea.inputarea')!;
    const data = new DataTransfer(); data.setData('text/plain', t);
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  for (let i = 0; i < 6; i++) {
    await page.waitForTimeout(1000);
    console.log(await page.evaluate(() => JSON.stringify({ status: document.querySelector('[data-testid="status-time"]')?.textContent, canvas: !!document.querySelector('[data-testid=graph-canvas]'), rf: !!document.querySelector('.react-flow'), n: document.querySelectorAll('.react-flow__node').length, tb: document.querySelector('.view-status')?.textContent, empty: document.querySelector('.view-empty')?.textContent?.slice(0, 80) })));
  }
});
