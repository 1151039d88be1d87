// Parse diagnostics in the editor and the problems list, against the real nft parser.
import { editor, editorLines, expect, hoverMarker, markedLines, openApp, pasteIntoEditor, problems, statusBar, test } from './helpers.ts';

const BROKEN = [
  'table ip filter {', // 1
  '\tchain input {', // 2
  '\t\ttype filter hook input priority filter; policy accept;', // 3
  '\t\ttcp dport 22 accept', // 4
  '\t\ttcp dport == == 80 accept', // 5: two operators in a row
  '\t}', // 6
  '}', // 7
  '',
].join('\n');

test('a broken ruleset shows an error marker on the broken line and in the problems list', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(page, BROKEN);
  await expect(editorLines(page).first()).toHaveText('table ip filter {');
  await expect.poll(() => markedLines(page, 'error')).toContain(5);
  expect((await markedLines(page, 'error')).filter((line) => line < 5)).toEqual([]);

  await expect(statusBar(page).getByTestId('status-problems')).toHaveText(/^[1-9]\d* errors? · /);
  const item = problems(page).getByRole('button', { name: /^error 5:\d+ NFT\w+ / }).first();
  await expect(item).toBeVisible();
  const message = (await item.locator('.problem-message').textContent()) ?? '';
  expect(message.length).toBeGreaterThan(0);

  // The marker's hover shows the same message.
  await hoverMarker(page, 5);
  await expect(editor(page).locator('.monaco-hover').getByText(message).first()).toBeVisible();

  // Fixing the line clears the marker (after the debounced re-parse).
  await pasteIntoEditor(page, BROKEN.replace('== == 80', '80'));
  await expect.poll(() => markedLines(page, 'error')).toEqual([]);
  await expect(problems(page)).toHaveCount(0);
});
