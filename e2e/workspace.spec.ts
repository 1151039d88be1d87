// The workspace: several sources (pasted, renamed, removed with undo), the examples gallery, permalinks
// ("Copy link" → a fresh page opens the same workspace; a damaged link says why) and the saved session.
import { buildPermalink, decodePermalink } from '../src/share/permalink.ts';
import {
  activeSource,
  addPastedSource,
  copyLink,
  editorLines,
  expect,
  newWorkspace,
  notices,
  openApp,
  openExample,
  openGallery,
  outlineItem,
  pasteIntoEditor,
  removeSource,
  renameSource,
  saveScreenshot,
  sourceNames,
  sourcesPanel,
  test,
  viewTab,
} from './helpers.ts';

const IPTABLES = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -p tcp --dport 22 -j ACCEPT', 'COMMIT', ''].join('\n');

const IPVSADM = [
  'IP Virtual Server version 1.2.1 (size=4096)',
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  'TCP  10.96.0.1:443 rr',
  '  -> 192.168.49.2:8443            Masq    1      0          0',
  '',
].join('\n');

test('an iptables-save and an ipvsadm dump pasted as two sources both show in the outline', async ({ page }) => {
  await openApp(page);
  await newWorkspace(page);
  await pasteIntoEditor(page, IPTABLES);
  await expect(activeSource(page)).toHaveText('iptables-save');
  await addPastedSource(page, IPVSADM);
  await expect(activeSource(page)).toHaveText('ipvsadm -Ln');
  expect(await sourceNames(page)).toEqual(['iptables-save', 'ipvsadm -Ln']);
  // Each source shows the format it was detected as.
  await expect(sourcesPanel(page).locator('.source-item', { hasText: 'iptables-save' })).toContainText('iptables (detected)');
  await expect(sourcesPanel(page).locator('.source-item', { hasText: 'ipvsadm -Ln' })).toContainText('ipvsadm (detected)');
  await expect(viewTab(page, 'Outline')).toHaveAttribute('aria-selected', 'true');
  await expect(outlineItem(page, /^iptables-save/)).toBeVisible();
  await expect(outlineItem(page, /^ipvsadm -Ln/)).toBeVisible();
  await expect(outlineItem(page, /^INPUT/)).toBeVisible();
  await expect(outlineItem(page, /^IPVS services/)).toContainText('1 service');

  // Rename, remove, undo.
  await renameSource(page, 'ipvsadm -Ln', 'node-1 ipvs');
  await expect(outlineItem(page, /^node-1 ipvs/)).toBeVisible();
  await removeSource(page, 'iptables-save');
  expect(await sourceNames(page)).toEqual(['node-1 ipvs']);
  await expect(outlineItem(page, /^INPUT/)).toHaveCount(0);
  await notices(page).getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => sourceNames(page)).toEqual(['iptables-save', 'node-1 ipvs']);
  await expect(outlineItem(page, /^INPUT/)).toBeVisible();
  await saveScreenshot(page, 'sources-panel');
});

test('the gallery opens each example', async ({ page }) => {
  await openApp(page);
  const gallery = await openGallery(page);
  await saveScreenshot(page, 'gallery');
  // The titles come from src/examples (Vite `?raw` imports, which Playwright's loader cannot read): from the page.
  const names = (await gallery.getByRole('button', { name: /^Open / }).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')))
    .filter((label) => !/ with packet \d+$/.test(label))
    .map((label) => label.replace(/^Open /, ''));
  expect(names).toEqual(expect.arrayContaining(['kube-proxy, nftables mode', 'kube-proxy, iptables mode', 'kube-proxy, IPVS mode']));
  await gallery.getByRole('button', { name: 'Close' }).click();
  for (const title of names) {
    await openExample(page, title);
    const sources = await sourceNames(page);
    expect(sources.length).toBeGreaterThan(0);
    // Every source parses without errors and heads its part of the outline.
    for (const source of sources) await expect(outlineItem(page, new RegExp(`^${source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?: |$)`)).first()).toBeVisible();
    await expect(page.getByTestId('status-problems')).toContainText('0 errors');
  }
});

test('a copied link opens the same sources and packet in a fresh page', async ({ page, browser }) => {
  // The packet has no editor of its own yet: it comes in through a link, and must go out again through one.
  const packet = 'ip saddr 10.0.0.1 daddr 10.96.0.1 tcp dport 443 iif eth0';
  const seed = buildPermalink({ sources: [{ name: 'node-1 filter', format: 'iptables', text: IPTABLES }], packet });
  await page.goto(`/#${seed.fragment}`);
  await expect(notices(page).getByText('Opened a shared workspace')).toBeVisible();
  await expect(activeSource(page)).toHaveText('node-1 filter');
  await addPastedSource(page, IPVSADM);
  const { url, sizeText } = await copyLink(page);
  expect(sizeText).toMatch(/Link size: [\d.,]+ (characters|k)/);
  const decoded = decodePermalink(url);
  if (!decoded.ok) throw new Error(decoded.error);
  expect(decoded.state.packet).toBe(packet);
  expect(decoded.state.sources.map((s) => [s.name, s.format])).toEqual([
    ['node-1 filter', 'iptables'],
    ['ipvsadm -Ln', 'ipvs'],
  ]);

  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(url);
  await expect(notices(fresh).getByText('Opened a shared workspace')).toBeVisible();
  expect(await sourceNames(fresh)).toEqual(['node-1 filter', 'ipvsadm -Ln']);
  await expect(activeSource(fresh)).toHaveText('ipvsadm -Ln');
  await expect(editorLines(fresh).first()).toHaveText(IPVSADM.split('\n')[0]!);
  await expect(outlineItem(fresh, /^INPUT/)).toBeVisible();
  // The fragment is taken out of the address; the link copied again holds the same workspace and packet.
  expect(new URL(fresh.url()).hash).toBe('');
  const again = decodePermalink((await copyLink(fresh)).url);
  expect(again.ok && again.state).toEqual(decoded.state);
  await fresh.context().close();
});

test('a damaged link says why and leaves a usable page', async ({ page }) => {
  const good = buildPermalink({ sources: [{ name: 'x', format: 'iptables', text: IPTABLES }] }).fragment;
  // One character changed in the middle: the checksum or the inflater refuses it.
  const i = Math.floor(good.length / 2);
  const damaged = good.slice(0, i) + (good[i] === 'A' ? 'B' : 'A') + good.slice(i + 1);
  await page.goto(`/#${damaged}`);
  await expect(notices(page).getByText('This link could not be opened')).toBeVisible();
  await expect(notices(page)).toContainText('default example');
  // The page works: the default example is there, and a paste is parsed.
  await expect(editorLines(page).first()).toHaveText('table ip kube-proxy {');
  await pasteIntoEditor(page, IPTABLES);
  await expect(outlineItem(page, /^INPUT/)).toBeVisible();
  // A cut-off link in an open page: the message, and the workspace stays.
  await notices(page).getByRole('button', { name: 'Dismiss: This link could not be opened' }).click();
  await expect(notices(page).getByText('This link could not be opened')).toHaveCount(0);
  await page.evaluate((f) => (location.hash = f), good.slice(0, 20));
  await expect(notices(page).getByText('This link could not be opened')).toBeVisible();
  await expect(notices(page)).not.toContainText('default example');
  await expect(outlineItem(page, /^INPUT/)).toBeVisible();
});

test('the last workspace comes back after a reload', async ({ page }) => {
  await openApp(page);
  await newWorkspace(page);
  await pasteIntoEditor(page, IPTABLES);
  await renameSource(page, 'iptables-save', 'edge router');
  await expect(page.getByTestId('save-status')).toHaveText(/Saved in this browser/);
  await expect.poll(() => page.evaluate(() => localStorage.getItem('nflens.session') ?? '')).toContain('edge router');
  await page.reload();
  await expect(notices(page).getByText('Restored your last session')).toBeVisible();
  expect(await sourceNames(page)).toEqual(['edge router']);
  await expect(editorLines(page).first()).toHaveText('*filter');
});
