// The outline against the real nft parser: the example's tables, chains and counts, keyboard navigation,
// and the two-way link with the editor (outline → revealed range, cursor → selected node, edit → update).
import {
  clickEditorText,
  editor,
  editorLines,
  expect,
  moveCursorToLine,
  openApp,
  outlineItem,
  pasteIntoEditor,
  statusBar,
  test,
} from './helpers.ts';

// Counts of src/examples/kubeProxy.nft: 29 chains (8 base), 49 rules, sets cluster-ips (4) and nodeport-ips (1),
// maps firewall-ips (0), no-endpoint-nodeports (0), no-endpoint-services (1), service-ips (4), service-nodeports (1).

test('the outline shows the example table, its chains and the counts', async ({ page }) => {
  await openApp(page);
  await expect(outlineItem(page, /^kube-proxy example/)).toContainText('1 table · 29 chains · 49 rules · 2 sets · 5 maps · 11 elements');
  const table = outlineItem(page, /^ip kube-proxy/);
  await expect(table).toHaveAttribute('aria-expanded', 'true');
  await expect(table).toContainText('29 chains · 49 rules · 2 sets · 5 maps · 11 elements');
  await expect(outlineItem(page, /^Base chains/)).toContainText('8 chains');
  await expect(outlineItem(page, /^Regular chains/)).toContainText('21 chains');
  await expect(outlineItem(page, /^nat-prerouting/)).toContainText('nat prerouting · dstnat (-100) · policy accept · 1 rule');
  await expect(outlineItem(page, /^filter-prerouting/)).toContainText('filter prerouting · dstnat - 10 (-110)');
  await expect(outlineItem(page, /^nat-postrouting/)).toContainText('srcnat (100)');
  await expect(outlineItem(page, /^services/)).toContainText('2 rules');
  await outlineItem(page, /^Maps/).click();
  await outlineItem(page, /^Maps/).press('ArrowRight');
  const serviceIps = outlineItem(page, /^service-ips/);
  await expect(serviceIps).toContainText('vmap');
  await expect(serviceIps).toContainText('ipv4_addr . inet_proto . inet_service : verdict · 4 elements');
  await expect(statusBar(page).getByTestId('status-counts')).toHaveText('1 table · 29 chains · 49 rules · 2 sets · 5 maps · 11 elements');
  await expect(statusBar(page).getByTestId('status-problems')).toHaveText('0 errors · 0 warnings');
});

test('the outline is a keyboard-operable tree', async ({ page }) => {
  await openApp(page);
  const source = outlineItem(page, /^kube-proxy example/);
  await source.click();
  await expect(source).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(outlineItem(page, /^ip kube-proxy/)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(outlineItem(page, /^Base chains/)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const first = outlineItem(page, /^filter-prerouting/);
  await expect(first).toBeFocused();
  await expect(first).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowRight');
  await expect(first).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowRight');
  const rule = outlineItem(page, 'ct state new jump firewall-check');
  await expect(rule).toBeFocused();
  await expect(rule).toHaveAttribute('aria-level', '5');
  // Enter selects the rule and reveals it in the editor.
  await page.keyboard.press('Enter');
  await expect(rule).toHaveAttribute('aria-selected', 'true');
  await expect(editor(page).locator('.nflens-reveal').first()).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(first).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(first).toHaveAttribute('aria-expanded', 'false');
  await expect(rule).toHaveCount(0);
});

test('selecting a chain far down reveals and highlights its text in the editor', async ({ page }) => {
  await openApp(page);
  const name = 'endpoint-CJ4KS2DM-shop/web/tcp/http__10.244.2.4/8080';
  await expect(editorLines(page).filter({ hasText: `chain ${name}` })).toHaveCount(0);
  await outlineItem(page, new RegExp(`^${name.replace(/[./]/g, '\\$&')}`)).click();
  await expect(editorLines(page).filter({ hasText: `chain ${name}` })).toBeVisible();
  await expect(editor(page).locator('.nflens-reveal').first()).toBeVisible();
});

test('moving the cursor in the editor selects the matching outline node', async ({ page }) => {
  await openApp(page);
  // Line 77 of the example is `jump services` in chain nat-prerouting; the chain is closed in the outline.
  await expect(editorLines(page).filter({ hasText: 'jump services' })).toHaveCount(0);
  await moveCursorToLine(page, 77);
  const rule = outlineItem(page, 'jump services').first();
  await expect(rule).toHaveAttribute('aria-selected', 'true');
  await expect(rule).toBeVisible();
  await expect(outlineItem(page, /^nat-prerouting/)).toHaveAttribute('aria-expanded', 'true');
  // One line up, the chain's `type nat hook prerouting …` line belongs to the chain.
  await page.keyboard.press('ArrowUp');
  await expect(outlineItem(page, /^nat-prerouting/)).toHaveAttribute('aria-selected', 'true');
  await expect(rule).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('ControlOrMeta+Home');
  await clickEditorText(page, 'map service-ips');
  await expect(outlineItem(page, /^service-ips/)).toHaveAttribute('aria-selected', 'true');
  await expect(rule).toHaveAttribute('aria-selected', 'false');
});

test('the outline follows edits made in the editor', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(page, 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport 22 accept\n\t}\n}\n');
  await expect(outlineItem(page, /^inet filter/)).toBeVisible();
  await expect(outlineItem(page, /^input/)).toContainText('filter input · filter (0) · policy drop · 1 rule');
  // Rename the chain by typing: the outline catches up after the pause, without any other action.
  await editorLines(page).filter({ hasText: 'chain input' }).getByText('input', { exact: true }).dblclick();
  await page.keyboard.type('inbound');
  await expect(outlineItem(page, /^inbound/)).toBeVisible();
  await expect(outlineItem(page, /^input\b/)).toHaveCount(0);
  // A new rule shows up in the rule count.
  await clickEditorText(page, 'tcp dport 22 accept');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('udp dport 53 accept');
  await expect(outlineItem(page, /^inbound/)).toContainText('2 rules');
});
