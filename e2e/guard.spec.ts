// The shared page fixture must be able to fail: a request to another origin fails the test. The foreign
// request is aborted by a route before it leaves the browser, and `.invalid` never resolves anyway.
// The page's CSP (connect-src 'self') would refuse the fetch before it becomes a request, so this test turns
// CSP off to reach the fixture's own check: both guards must hold on their own.
import { expect, openApp, test } from './helpers.ts';

test.use({ bypassCSP: true });

test('the same-origin guard fails a test whose page requests another origin', async ({ page }) => {
  test.fail(true, 'the fixture is expected to report the foreign request after the test body');
  await page.route('http://nflens-guard.invalid/**', (route) => route.abort());
  await openApp(page);
  await page.evaluate(() => fetch('http://nflens-guard.invalid/probe').catch(() => undefined));
  await expect(page.getByRole('heading', { name: 'nflens' })).toBeVisible();
});
