// The outline against the real nft parser: the example's tables, chains and counts, keyboard navigation,
// and the two-way link with the editor (outline → revealed range, cursor → selected node, edit → update).
import {
  clickEditorText,
  editor,
  editorLines,
  expect,
  moveCursorToLine,
  openApp,
  outline,
  outlineItem,
  pasteIntoEditor,
  scrollOutlineTo,
  statusBar,
  test,
} from './helpers.ts';

// Counts of the default workspace, the gallery's kube-proxy-nftables example (src/examples/kube-proxy-nftables):
// 40 chains (8 base), 71 rules, sets cluster-ips (4) and nodeport-ips (1), maps firewall-ips (0),
// no-endpoint-nodeports (0), no-endpoint-services (0), service-ips (6), service-nodeports (0).

test('the outline shows the example table, its chains and the counts', async ({ page }) => {
  await openApp(page);
  await expect(outlineItem(page, /^nft list ruleset/)).toContainText('1 table · 40 chains · 71 rules · 2 sets · 5 maps · 11 elements');
  const table = outlineItem(page, /^ip kube-proxy/);
  await expect(table).toHaveAttribute('aria-expanded', 'true');
  await expect(table).toContainText('40 chains · 71 rules · 2 sets · 5 maps · 11 elements');
  await expect(outlineItem(page, /^Base chains/)).toContainText('8 chains');
  await expect(outlineItem(page, /^Regular chains/)).toContainText('32 chains');
  await expect(outlineItem(page, /^nat-prerouting/)).toContainText('nat prerouting · dstnat (-100) · policy accept · 1 rule');
  await expect(outlineItem(page, /^filter-prerouting/)).toContainText('filter prerouting · dstnat - 10 (-110)');
  await expect(outlineItem(page, /^nat-postrouting/)).toContainText('srcnat (100)');
  await expect(outlineItem(page, /^services/)).toContainText('2 rules');
  // 32 regular chains push the maps below the rows in view: fold them.
  await outlineItem(page, /^Regular chains/).click();
  await page.keyboard.press('ArrowLeft');
  await expect(outlineItem(page, /^Regular chains/)).toHaveAttribute('aria-expanded', 'false');
  await outlineItem(page, /^Maps/).click();
  await outlineItem(page, /^Maps/).press('ArrowRight');
  const serviceIps = outlineItem(page, /^service-ips/);
  await expect(serviceIps).toContainText('vmap');
  await expect(serviceIps).toContainText('ipv4_addr . inet_proto . inet_service : verdict · 6 elements');
  await expect(statusBar(page).getByTestId('status-counts')).toHaveText('1 table · 40 chains · 71 rules · 2 sets · 5 maps · 11 elements');
  await expect(statusBar(page).getByTestId('status-problems')).toHaveText('0 errors · 0 warnings');
});

test('the outline is a keyboard-operable tree', async ({ page }) => {
  await openApp(page);
  const source = outlineItem(page, /^nft list ruleset/);
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
  const name = 'endpoint-XHAADARU-default/image-scheduler/tcp/api__10.244.2.249/5000';
  await expect(editorLines(page).filter({ hasText: `chain ${name}` })).toHaveCount(0);
  await (await scrollOutlineTo(page, new RegExp(`^${name.replace(/[./]/g, '\\$&')}`))).click();
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
  // The rule's row may have scrolled out of the rendered rows: one selected row, the map's.
  await expect(outline(page).locator('[role="treeitem"][aria-selected="true"]')).toHaveCount(1);
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
