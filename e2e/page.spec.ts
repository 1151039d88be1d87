// The page itself: it loads with the example in the editor, themes, the format selector, the empty state and
// the pane splitter. These hold whatever the parsers do.
import {
  newWorkspace,
  openExample,
  chooseFormat,
  editor,
  editorLines,
  expect,
  openApp,
  outline,
  outlineItem,
  pasteIntoEditor,
  statusBar,
  test,
  themeToggle,
  tokenColours,
} from './helpers.ts';

test('loads with the kube-proxy example in the editor, detected as nft', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('heading', { name: 'nflens' })).toBeVisible();
  await expect(editorLines(page).first()).toHaveText('table ip kube-proxy {');
  // Highlighting: the keyword, the family and the table's name are three differently coloured tokens.
  // Monaco tokenizes after the first paint (later under load): poll until the colours are there.
  await expect
    .poll(async () => {
      const colours = await tokenColours(page, 1);
      return new Set([colours.get('table'), colours.get('ip'), colours.get('kube-proxy')]).size;
    })
    .toBe(3);
  await expect(statusBar(page).getByRole('combobox', { name: 'Format' })).toHaveValue('auto');
  await expect(statusBar(page).getByRole('option', { name: 'Auto-detect (nft list ruleset)' })).toBeAttached();
  await expect(statusBar(page).getByTestId('status-time')).toHaveText(/Parsed in \d/);
});

test('the theme toggle switches the page and the editor between light and dark', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(editor(page)).toHaveClass(/\bvs\b/);
  await expect(themeToggle(page)).toHaveAttribute('aria-pressed', 'false');
  const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  await themeToggle(page).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(editor(page)).toHaveClass(/\bvs-dark\b/);
  await expect(themeToggle(page)).toHaveAttribute('aria-pressed', 'true');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(lightBackground);

  await themeToggle(page).click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(editor(page)).toHaveClass(/\bvs\b/);
});

test('follows prefers-color-scheme at start', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(editor(page)).toHaveClass(/\bvs-dark\b/);
});

test('forcing a format re-parses the text in that format and switches the highlighting', async ({ page }) => {
  await openApp(page);
  const nftColours = await tokenColours(page, 1);
  await chooseFormat(page, 'iptables-save');
  await expect(statusBar(page).getByRole('combobox', { name: 'Format' })).toHaveValue('iptables');
  // iptables-save has no `table` keyword: the first line is coloured differently.
  await expect.poll(async () => [...(await tokenColours(page, 1)).entries()]).not.toEqual([...nftColours.entries()]);
  await chooseFormat(page, 'nft list ruleset');
  await expect(statusBar(page).getByRole('combobox', { name: 'Format' })).toHaveValue('nft');
});

test('an iptables-save dump pasted in auto mode is detected as iptables-save', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(page, '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n');
  await expect(editorLines(page).first()).toHaveText('*filter');
  await expect(statusBar(page).getByRole('option', { name: 'Auto-detect (iptables-save)' })).toBeAttached();
  // The source is no longer the example's: it is named after what was pasted.
  await expect(outlineItem(page, /^iptables-save/)).toBeVisible();
  await expect(outlineItem(page, /^nft list ruleset/)).toHaveCount(0);
});

test('an empty workspace shows what to paste instead of a blank outline', async ({ page }) => {
  await openApp(page);
  await newWorkspace(page);
  await expect(page.getByText(/Paste the output of/).first()).toBeVisible();
  await expect(page.getByRole('note')).toContainText('iptables-save');
  await expect(outline(page)).toHaveCount(0);
  // The empty state leads to the examples.
  await page.getByRole('note').getByRole('button', { name: 'Open an example' }).click();
  await openExample(page, 'kube-proxy, nftables mode');
  await expect(editorLines(page).first()).toHaveText('table ip kube-proxy {');
  await expect(page.getByRole('note')).toHaveCount(0);
});

test('the splitter resizes the panes with the keyboard', async ({ page }) => {
  await openApp(page);
  const separator = page.getByRole('separator', { name: 'Resize editor and views' });
  const before = Number(await separator.getAttribute('aria-valuenow'));
  const width = async () => (await page.getByRole('region', { name: 'Source', exact: true }).boundingBox())?.width ?? 0;
  const widthBefore = await width();
  await separator.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(separator).toHaveAttribute('aria-valuenow', String(before + 4));
  await expect.poll(width).toBeGreaterThan(widthBefore);
});
