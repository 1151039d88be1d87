// The outline with the parsers already on main (ipvsadm, ipset): what they found, selection both ways.
import { clickEditorText, editor, expect, openApp, outlineItem, pasteIntoEditor, statusBar, test } from './helpers.ts';

const IPVSADM = [
  'IP Virtual Server version 1.2.1 (size=4096)',
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  'TCP  10.96.0.1:443 rr',
  '  -> 192.168.49.2:8443            Masq    1      0          0',
  'UDP  10.96.0.10:53 rr',
  '  -> 10.244.0.2:53                Masq    1      0          0',
  '  -> 10.244.0.3:53                Masq    1      0          0',
  '',
].join('\n');

const IPSET = [
  'create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536',
  'add KUBE-CLUSTER-IP 10.96.0.1,tcp:443',
  'add KUBE-CLUSTER-IP 10.96.0.10,udp:53',
  'add KUBE-CLUSTER-IP 10.96.0.10,tcp:53',
  'create KUBE-LOOP-BACK hash:ip,port,ip family inet hashsize 1024 maxelem 65536',
  '',
].join('\n');

test('an ipvsadm listing shows its virtual services and real servers, linked to the text', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(page, IPVSADM);
  await expect(statusBar(page).getByRole('option', { name: 'Auto-detect (ipvsadm -Ln)' })).toBeAttached();
  await expect(outlineItem(page, /^IPVS services/)).toContainText('2 services');
  const dns = outlineItem(page, /^UDP 10\.96\.0\.10:53/);
  await expect(dns).toContainText('rr · 2 real servers');
  await dns.click();
  await page.keyboard.press('ArrowRight');
  await expect(dns).toHaveAttribute('aria-expanded', 'true');
  const real = outlineItem(page, /^10\.244\.0\.3:53/);
  await expect(real).toContainText('masq · weight 1');
  await real.click();
  await expect(real).toHaveAttribute('aria-selected', 'true');
  await expect(editor(page).locator('.nflens-reveal')).not.toHaveCount(0);
  // And back: the cursor on the first service's line selects it.
  await clickEditorText(page, 'TCP  10.96.0.1:443 rr');
  await expect(outlineItem(page, /^TCP 10\.96\.0\.1:443/)).toHaveAttribute('aria-selected', 'true');
  await expect(real).toHaveAttribute('aria-selected', 'false');
  await expect(statusBar(page).getByTestId('status-problems')).toHaveText('0 errors · 0 warnings');
});

test('an ipset save shows its sets with their types and element counts', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(page, IPSET);
  await expect(statusBar(page).getByRole('option', { name: 'Auto-detect (ipset save)' })).toBeAttached();
  // The pasted source is named after its format ("ipset save"); the table row is the one counting chains.
  await expect(outlineItem(page, /^ipset 0 chains/)).toContainText('2 sets');
  await expect(outlineItem(page, /^KUBE-CLUSTER-IP/)).toContainText('hash:ip,port');
  await expect(outlineItem(page, /^KUBE-CLUSTER-IP/)).toContainText('3 elements');
  await expect(outlineItem(page, /^KUBE-LOOP-BACK/)).toContainText('0 elements');
  await expect(statusBar(page).getByTestId('status-counts')).toHaveText('1 table · 0 chains · 0 rules · 2 sets · 0 maps · 3 elements');
});
