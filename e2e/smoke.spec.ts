import { expect, test } from '@playwright/test';

test('the page loads and shows its title', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'nflens' })).toBeVisible();
});
