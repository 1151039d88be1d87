// The graph, trace and pipeline views on the built-in kube-proxy example: the graph shows the example's
// chains, tracing a packet shows its verdict and lights its path in the graph and the pipeline, and each
// view leaves a screenshot in e2e-artifacts/screenshots/ (git-ignored) for a human to look at.
import { readFileSync } from 'node:fs';
import { copyLink, expect, openApp, pasteIntoEditor, saveScreenshot, statusBar, test } from './helpers.ts';
import type { Locator, Page } from '@playwright/test';
import { buildPermalink } from '../src/share/permalink.ts';

/** A small kube-proxy (nftables mode) ruleset: 29 chains, one Service without endpoints, numgen over 2 and 3 endpoints. */
const RULESET = readFileSync(new URL('../test/fixtures/kubeProxySmall.nft', import.meta.url), 'utf8');
/** To the Service without endpoints: no-endpoint-services → reject-chain rejects it. */
const NO_ENDPOINTS = 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.77.3 tcp dport 5432 ct state new';
/** To kube-dns over UDP: `numgen random mod 2` picks one of two endpoints. */
const DNS = 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 udp dport 53 ct state new';

/** Opens the app with the small kube-proxy ruleset in the editor (whatever the page starts with). */
async function openWithRuleset(page: Page): Promise<void> {
  await openApp(page);
  await pasteIntoEditor(page, RULESET);
  await expect(statusBar(page)).toContainText('29 chains · 49 rules');
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
}

function canvas(page: Page): Locator {
  return page.getByTestId('graph-canvas');
}

/** The trace's current step is drawn in the canvas, in the window, at a zoom where its text is readable. */
async function expectCurrentStepInSight(page: Page): Promise<void> {
  const current = canvas(page).locator('.react-flow__node.current');
  await expect(current).toHaveCount(1);
  await expect(current).toBeInViewport();
  await expect
    .poll(async () => Number(/scale\(([\d.]+)\)/.exec((await canvas(page).locator('.react-flow__viewport').getAttribute('style')) ?? '')?.[1] ?? 0))
    .toBeGreaterThanOrEqual(0.5);
}

/** The graph node whose name is exactly `name`. */
function graphNode(page: Page, name: string): Locator {
  return canvas(page).locator('.react-flow__node').filter({ has: page.locator('.nf-name').getByText(name, { exact: true }) });
}

async function tracePacket(page: Page, packet: string): Promise<void> {
  await openTab(page, 'Trace');
  await page.getByRole('textbox', { name: 'Packet', exact: true }).fill(packet);
  await page.getByRole('button', { name: 'Trace', exact: true }).click();
}

test.use({ viewport: { width: 1600, height: 1000 } });

test("the graph shows the example's hooks, base chains at their priorities, chains and maps", async ({ page }) => {
  await openWithRuleset(page);
  await openTab(page, 'Graph');
  await expect(canvas(page).locator('.react-flow__node').first()).toBeVisible();
  for (const name of ['filter-prerouting', 'nat-prerouting', 'filter-forward', 'services', 'reject-chain', 'vmap service-ips', 'set cluster-ips', 'ip prerouting']) {
    await expect(graphNode(page, name), name).toHaveCount(1);
  }
  // Base chains carry their hook and priority as nft prints it.
  await expect(graphNode(page, 'nat-prerouting')).toContainText('dstnat (-100)');
  await expect(graphNode(page, 'filter-prerouting')).toContainText('dstnat - 10 (-110)');
  await expect(canvas(page).locator('.react-flow__edge').first()).toBeAttached();
  await expect(canvas(page).locator('.react-flow__minimap')).toBeVisible();

  // Selecting a node shows its lines in the editor.
  await graphNode(page, 'reject-chain').click();
  await expect(page.getByRole('complementary', { name: 'Details' })).toContainText('reject-chain');
  await expect(page.locator('[data-testid="source-editor"] .view-line', { hasText: 'chain reject-chain' })).toBeVisible();
  await saveScreenshot(page, 'graph');
});

test('tracing a packet gives its verdict, lights its path in the graph and draws its route in the pipeline', async ({ page }) => {
  await openWithRuleset(page);
  await tracePacket(page, NO_ENDPOINTS);
  const fate = page.getByRole('status', { name: 'Fate' });
  await expect(fate).toHaveAttribute('data-fate-kind', 'rejected');
  await expect(fate).toContainText('reject-chain');
  const hook = (await fate.getAttribute('data-where'))!.split('/')[0]!;
  const steps = page.getByRole('listbox', { name: 'Trace steps' });
  await expect(steps).toBeVisible();
  await expect(page.getByText(/^Step 1 of \d+$/)).toBeVisible();
  // → steps forward (← back); the last step is the rule that rejects.
  await steps.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByText(/^Step 2 of \d+$/)).toBeVisible();
  await page.getByRole('button', { name: 'Last step' }).click();
  await expect(page.getByRole('region', { name: 'Current step' })).toContainText('reject');
  await saveScreenshot(page, 'trace');

  await openTab(page, 'Graph');
  for (const name of ['filter-prerouting', 'nat-prerouting', 'services', 'service-endpoints-check', 'reject-chain']) {
    await expect(graphNode(page, name), name).toHaveClass(/on-path/);
  }
  await expect(graphNode(page, 'reject-chain')).toHaveClass(/current/);
  // An arriving packet never passes the output hook.
  await expect(graphNode(page, 'filter-output')).not.toHaveClass(/on-path/);
  await expect(canvas(page).locator('.react-flow__edge.lit').first()).toBeAttached();
  await saveScreenshot(page, 'graph-trace');

  await openTab(page, 'Pipeline');
  const flow = page.getByRole('group', { name: /^Packet flow/ });
  await expect(flow.locator('[data-stage="prerouting"]')).toHaveAttribute('data-lit', 'true');
  // The hook the fate names is on the route; the output hook is not.
  await expect(flow.locator(`[data-stage="${hook}"]`)).toHaveAttribute('data-lit', 'true');
  await expect(flow.locator('[data-stage="output"]')).toHaveAttribute('data-lit', 'false');
  await expect(flow.locator('.pl-entry.lit').first()).toBeVisible();
  await saveScreenshot(page, 'pipeline');
});

test('a packet that numgen spreads shows the branch tree with each path\'s share, and each path can be shown', async ({ page }) => {
  await openWithRuleset(page);
  await tracePacket(page, DNS);
  const branches = page.getByRole('region', { name: 'Branches' });
  await expect(branches).toContainText('2 paths');
  const leaves = branches.getByRole('button');
  await expect(leaves).toHaveCount(2);
  for (const leaf of await leaves.all()) await expect(leaf).toContainText(/50\s?%/);
  await leaves.nth(1).click();
  await expect(leaves.nth(1)).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Last step' }).click();
  await expect(page.getByRole('listbox', { name: 'Trace steps' })).toContainText('10.244.0.3');
});

test('the graph search centres the chain that handles an address', async ({ page }) => {
  await openWithRuleset(page);
  await openTab(page, 'Graph');
  await expect(canvas(page).locator('.react-flow__node').first()).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search the graph' }).fill('10.244.1.6');
  await page.getByRole('searchbox', { name: 'Search the graph' }).press('Enter');
  await expect(page.getByRole('region', { name: 'Search results' })).toContainText(/match/);
  const hit = graphNode(page, 'endpoint-ZVDXTBVR-shop/web/tcp/http__10.244.1.6/8080');
  await expect(hit).toHaveClass(/selected/);
  await expect(hit).toBeInViewport();
});

test('a permalink with a packet opens with the same trace; copying its link and opening it in a fresh page gives the same trace', async ({ page, browser }) => {
  const link = buildPermalink({ sources: [{ name: 'nft list ruleset', format: 'nft', text: RULESET }], packet: NO_ENDPOINTS });
  await page.goto(`/#${link.fragment}`);
  await openTab(page, 'Trace');
  await expect(page.getByRole('textbox', { name: 'Packet', exact: true })).toHaveValue(NO_ENDPOINTS);
  const fate = page.getByRole('status', { name: 'Fate' });
  await expect(fate).toHaveAttribute('data-fate-kind', 'rejected');
  await expect(fate).toContainText('reject-chain');
  const steps = await page.getByText(/^Step 1 of \d+$/).textContent();
  await openTab(page, 'Graph');
  // The graph opens on the whole layout with the path lit (only nodes in view are drawn: all of them here).
  await expect(graphNode(page, 'reject-chain')).toHaveClass(/on-path/);
  // Stepping from the graph brings each step into sight at a readable zoom.
  await page.getByRole('group', { name: 'Trace steps' }).focus();
  await page.keyboard.press('End');
  await expect(graphNode(page, 'reject-chain')).toHaveClass(/current/);
  await expectCurrentStepInSight(page);

  const { url } = await copyLink(page);
  const fresh = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  await fresh.goto(url);
  // The link keeps the tab it was copied from.
  await expect(fresh.getByRole('tab', { name: 'Graph', exact: true })).toHaveAttribute('aria-selected', 'true');
  // Whether the trace or the layout comes first, the graph opens the same way: the whole layout, path lit.
  await expect(fresh.getByRole('group', { name: 'Trace steps' })).toContainText(/1 \/ \d+/);
  await expect(graphNode(fresh, 'reject-chain')).toHaveClass(/on-path/);
  await expect(fresh.locator('.react-flow__node.current')).toHaveCount(1);
  await openTab(fresh, 'Trace');
  await expect(fresh.getByRole('status', { name: 'Fate' })).toHaveAttribute('data-fate-kind', 'rejected');
  await expect(fresh.getByText(/^Step 1 of \d+$/)).toHaveText(steps!);
  await fresh.context().close();
});

test("the gallery's default example draws its kube-proxy chains", async ({ page }) => {
  await openApp(page);
  await openTab(page, 'Graph');
  for (const name of ['nat-prerouting', 'filter-forward', 'services', 'service-FY5PMXPG-kube-system/kube-dns/udp/dns', 'vmap service-ips']) {
    await expect(graphNode(page, name), name).toHaveCount(1);
  }
  await expect(graphNode(page, 'nat-prerouting')).toContainText('dstnat (-100)');
});
