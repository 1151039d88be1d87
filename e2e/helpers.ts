// The vocabulary e2e tests speak: open the app, paste into the editor, read the outline, the markers, the
// status bar. Every test imports `test` from here, whose `page` fixture fails the test when the page requests
// anything outside its own origin or throws an uncaught error.
import { test as base, expect, type Locator, type Page } from '@playwright/test';

export { expect };

/** URLs that never leave the browser: inline data and object URLs (workers, blobs). */
function isLocalScheme(url: URL): boolean {
  return url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:';
}

export const test = base.extend({
  page: async ({ page, baseURL }, use) => {
    const origin = new URL(baseURL ?? 'http://127.0.0.1').origin;
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!isLocalScheme(url) && url.origin !== origin) foreign.push(request.url());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await use(page);
    expect(foreign, 'requests outside the page origin').toEqual([]);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

/** Opens the app and waits until the editor shows text. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(editorLines(page).first()).toBeVisible();
}

export function editor(page: Page): Locator {
  return page.locator('[data-testid="source-editor"] .monaco-editor');
}

/** Rendered lines of the editor (only those in view). */
export function editorLines(page: Page): Locator {
  return editor(page).locator('.view-lines .view-line');
}

/** Replaces the editor's text the way a user's paste does: select all, then a `paste` event carrying `text`. */
export async function pasteIntoEditor(page: Page, text: string): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+A');
  await editor(page)
    .locator('.native-edit-context, textarea.inputarea')
    .first()
    .evaluate((target, pasted) => {
      const data = new DataTransfer();
      data.setData('text/plain', pasted);
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
}

/** Puts the keyboard focus into the editor (on its input element: a click could land on a hover widget). */
export async function focusEditor(page: Page): Promise<void> {
  await expect(editorLines(page).first()).toBeVisible();
  await editor(page).locator('.native-edit-context, textarea.inputarea').first().focus();
  await expect(editor(page)).toHaveClass(/\bfocused\b/);
}

/** Puts the cursor on the first line in view containing `text`, clicking in the middle of that line's text. */
export async function clickEditorText(page: Page, text: string): Promise<void> {
  await editorLines(page).filter({ hasText: text }).first().locator(':scope > span').click();
}

/** Moves the cursor to a line (1-based) with the keyboard, as a user would, scrolling the editor. */
export async function moveCursorToLine(page: Page, line: number): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
}

/** Line numbers (1-based) that carry a marker squiggle of the given severity, among the lines in view.
 *  Monaco draws each squiggle in an overlay row at the same `top` as its line number in the margin. */
export async function markedLines(page: Page, severity: 'error' | 'warning' = 'error'): Promise<number[]> {
  return editor(page).evaluate((root, cls) => {
    const tops = new Set(
      [...root.querySelectorAll(`.view-overlays .squiggly-${cls}`)].map((el) => (el.parentElement as HTMLElement).style.top),
    );
    const lines = [...root.querySelectorAll<HTMLElement>('.margin-view-overlays > div')]
      .filter((row) => tops.has(row.style.top))
      .map((row) => Number(row.querySelector('.line-numbers')?.textContent));
    return [...new Set(lines)].sort((a, b) => a - b);
  }, severity);
}

export function outline(page: Page): Locator {
  return page.getByRole('tree', { name: 'Outline' });
}

export function outlineItem(page: Page, name: string | RegExp): Locator {
  return outline(page).getByRole('treeitem', { name });
}

/** The outline renders only the rows in view: pages down (keyboard) until the row `name` is rendered. */
export async function scrollOutlineTo(page: Page, name: string | RegExp): Promise<Locator> {
  const item = outlineItem(page, name);
  await outline(page).getByRole('treeitem').first().focus();
  for (let i = 0; i < 100 && (await item.count()) === 0; i++) await page.keyboard.press('PageDown');
  await expect(item).toBeVisible();
  return item;
}

export function statusBar(page: Page): Locator {
  return page.getByRole('contentinfo', { name: 'Status' });
}

export function problems(page: Page): Locator {
  return page.getByRole('region', { name: 'Problems' });
}

export async function chooseFormat(page: Page, label: string): Promise<void> {
  await statusBar(page).getByRole('combobox', { name: 'Format' }).selectOption({ label });
}

export function themeToggle(page: Page): Locator {
  return page.getByRole('button', { name: 'Dark theme' });
}

/** The colour of each token of a rendered editor line (1-based among the lines in view), by token text. */
export async function tokenColours(page: Page, line: number): Promise<Map<string, string>> {
  const pairs = await editorLines(page)
    .nth(line - 1)
    .locator('span > span')
    // Monaco renders spaces as no-break spaces.
    .evaluateAll((spans) => spans.map((s) => [(s.textContent ?? '').replace(/\u00a0/g, ' ').trim(), getComputedStyle(s).color] as const));
  return new Map(pairs.filter(([text]) => text !== ''));
}

/** Moves the mouse onto the marker squiggle of a line (1-based, in view), which opens Monaco's hover. */
export async function hoverMarker(page: Page, line: number, severity: 'error' | 'warning' = 'error'): Promise<void> {
  const box = await editor(page).evaluate(
    (root, [ln, cls]) => {
      const row = [...root.querySelectorAll<HTMLElement>('.margin-view-overlays > div')].find(
        (r) => Number(r.querySelector('.line-numbers')?.textContent) === ln,
      );
      const squiggle = [...root.querySelectorAll<HTMLElement>(`.view-overlays .squiggly-${cls}`)].find(
        (s) => (s.parentElement as HTMLElement).style.top === row?.style.top,
      );
      const r = squiggle?.getBoundingClientRect();
      return r ? { x: r.x + Math.min(r.width / 2, 4), y: r.y + r.height / 2 } : null;
    },
    [line, severity] as const,
  );
  if (!box) throw new Error(`no ${severity} marker on line ${line}`);
  await page.mouse.move(box.x, box.y - 4);
}

// ───────────── workspace: sources panel, files, gallery, links, notices ─────────────

export function header(page: Page): Locator {
  return page.getByRole('banner');
}

export function sourcesPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Sources' });
}

/** The button that shows a source in the editor (its accessible name is the source's name). */
export function sourceButton(page: Page, name: string): Locator {
  return sourcesPanel(page).locator('.source-select').getByText(name, { exact: true });
}

/** The source names, in workspace order. */
export async function sourceNames(page: Page): Promise<string[]> {
  return sourcesPanel(page).locator('.source-name, .source-rename').evaluateAll((els) => els.map((e) => (e instanceof HTMLInputElement ? e.value : e.textContent ?? '')));
}

/** The name of the source the editor shows. */
export function activeSource(page: Page): Locator {
  return sourcesPanel(page).locator('.source-select[aria-current="true"] .source-name');
}

export async function selectSource(page: Page, name: string): Promise<void> {
  await sourceButton(page, name).click();
  await expect(activeSource(page)).toHaveText(name);
}

/** "New source", then a paste of `text` into it (the way a user adds a dump to the workspace). */
export async function addPastedSource(page: Page, text: string): Promise<void> {
  const before = (await sourceNames(page)).length;
  await sourcesPanel(page).getByRole('button', { name: 'New source' }).click();
  await expect(sourcesPanel(page).locator('.source-item')).toHaveCount(before + 1);
  await expect(activeSource(page)).toHaveText(/^untitled/);
  await pasteIntoEditor(page, text);
  await expect(activeSource(page)).not.toHaveText(/^untitled/);
}

export async function renameSource(page: Page, from: string, to: string): Promise<void> {
  await sourcesPanel(page).getByRole('button', { name: `Rename ${from}`, exact: true }).click();
  const field = sourcesPanel(page).getByRole('textbox', { name: `New name for ${from}` });
  await field.fill(to);
  await field.press('Enter');
  await expect(sourceButton(page, to)).toBeVisible();
}

export async function removeSource(page: Page, name: string): Promise<void> {
  await sourcesPanel(page).getByRole('button', { name: `Remove ${name}`, exact: true }).click();
  await expect(sourceButton(page, name)).toHaveCount(0);
}

export interface TestFile {
  readonly name: string;
  readonly content: string;
}

/** Drops files on the editor as a user's drag from the file manager would (a `drop` carrying Files). */
export async function dropFiles(page: Page, files: readonly TestFile[]): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([f.content], f.name, { type: 'text/plain' }));
    return data;
  }, files);
  const target = page.locator('[data-testid="source-editor"]');
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

/** "Open files…" and the file chooser. */
export async function openFilesWithPicker(page: Page, files: readonly TestFile[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await sourcesPanel(page).getByRole('button', { name: 'Open files…' }).click();
  await (await chooser).setFiles(files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.content) })));
}

export function dialog(page: Page, name: string): Locator {
  return page.getByRole('dialog', { name });
}

export async function openGallery(page: Page): Promise<Locator> {
  const gallery = dialog(page, 'Examples');
  if (!(await gallery.isVisible())) await header(page).getByRole('button', { name: 'Examples' }).click();
  await expect(gallery).toBeVisible();
  return gallery;
}

/** Opens an example from the gallery by its title; `confirm` answers the "Replace the workspace?" question. */
export async function openExample(page: Page, title: string, { confirm = false }: { confirm?: boolean } = {}): Promise<void> {
  const gallery = await openGallery(page);
  await gallery.getByRole('button', { name: `Open ${title}`, exact: true }).click();
  if (confirm) await confirmReplace(page);
  await expect(gallery).toBeHidden();
  await expect(notices(page).getByText(`Loaded the example “${title}”`)).toBeVisible();
}

export async function confirmReplace(page: Page): Promise<void> {
  const question = dialog(page, 'Replace the workspace?');
  await expect(question).toBeVisible();
  await question.getByRole('button', { name: 'Replace workspace' }).click();
  await expect(question).toBeHidden();
}

/** "New" in the header: an empty workspace. */
export async function newWorkspace(page: Page, { confirm = false }: { confirm?: boolean } = {}): Promise<void> {
  await header(page).getByRole('button', { name: 'New', exact: true }).click();
  if (confirm) await confirmReplace(page);
  await expect(notices(page).getByText('New, empty workspace')).toBeVisible();
}

/** "Copy link": the permalink the share dialog shows (the dialog is closed again). */
export async function copyLink(page: Page): Promise<{ url: string; sizeText: string }> {
  await header(page).getByRole('button', { name: 'Copy link' }).click();
  const share = dialog(page, 'Share this workspace');
  const field = share.getByRole('textbox', { name: 'Link' });
  await expect(field).toHaveValue(/#v1\./);
  const url = await field.inputValue();
  const sizeText = (await share.getByTestId('link-size').textContent()) ?? '';
  await share.getByRole('button', { name: 'Close' }).click();
  await expect(share).toBeHidden();
  return { url, sizeText };
}

export function notices(page: Page): Locator {
  return page.getByRole('region', { name: 'Notifications' });
}

export function viewTab(page: Page, name: string): Locator {
  return page.getByRole('tablist', { name: 'Views' }).getByRole('tab', { name });
}

/** The problems list's entries (buttons), optionally those of one source. */
export function problemItems(page: Page, source?: string): Locator {
  const items = problems(page).getByRole('button', { name: /^(error|warning|info) \d+:\d+ / });
  return source === undefined ? items : items.filter({ has: page.locator('.problem-source', { hasText: source }) });
}

export function saveStatus(page: Page): Locator {
  return page.getByTestId('save-status');
}

/** A screenshot for people to look at (git-ignored folder), not compared by any test. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e-artifacts/screenshots/${name}.png` });
}
