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

export async function focusEditor(page: Page): Promise<void> {
  await editorLines(page).first().click();
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
