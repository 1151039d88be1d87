// Saving a text as a file the user downloads (an object URL and a temporary link: nothing leaves the page).
export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is released a little later for slower browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `nflens-workspace-2026-11-23-1542.nflens.json` */
export function workspaceFileName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `nflens-workspace-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}.nflens.json`;
}
