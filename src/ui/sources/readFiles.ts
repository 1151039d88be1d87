// Files the user drops or opens, as sources: UTF-8 text (gzip-compressed files are unpacked, `.gz` dropped from
// the name), or a saved nflens workspace file; anything else is refused with the reason. Uses only File/Blob
// and fflate, so it runs in Node for tests.
import { gunzipSync } from 'fflate';
import type { SourceInit } from '../../store/sourceSlice.ts';
import { readWorkspaceFile, type WorkspaceSnapshot } from '../../store/workspaceSnapshot.ts';

/** Larger files are refused: parsing them would exhaust the tab's memory long before finishing. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface ReadFiles {
  readonly sources: readonly SourceInit[];
  readonly workspaces: readonly { readonly fileName: string; readonly snapshot: WorkspaceSnapshot }[];
  /** One sentence per refused file. */
  readonly errors: readonly string[];
}

export async function readSourceFiles(files: readonly File[]): Promise<ReadFiles> {
  const sources: SourceInit[] = [];
  const workspaces: { fileName: string; snapshot: WorkspaceSnapshot }[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const read = await readOne(file);
    if ('error' in read) {
      errors.push(`${file.name}: ${read.error}`);
      continue;
    }
    const workspace = readWorkspaceFile(read.text);
    if (workspace.kind === 'workspace') workspaces.push({ fileName: file.name, snapshot: workspace.snapshot });
    else if (workspace.kind === 'invalid') errors.push(`${file.name}: ${workspace.error}`);
    else sources.push({ name: read.name, text: read.text, formatChoice: 'auto', named: true });
  }
  return { sources, workspaces, errors };
}

async function readOne(file: File): Promise<{ name: string; text: string } | { error: string }> {
  if (file.size > MAX_FILE_BYTES) return { error: `it is ${Math.round(file.size / 1048576)} MiB; nflens opens files of up to ${MAX_FILE_BYTES / 1048576} MiB` };
  let bytes = new Uint8Array(await file.arrayBuffer());
  let name = file.name;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      return { error: `it looks gzip-compressed but could not be unpacked (${e instanceof Error ? e.message : String(e)})` };
    }
    name = name.replace(/\.gz$/i, '');
  }
  // NUL bytes do not occur in any dump format: the file is binary (an image, an archive).
  if (bytes.subarray(0, 65536).includes(0)) return { error: 'it is not a text file' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { name, text: text.replace(/^\uFEFF/, '') };
  } catch {
    return { error: 'it is not UTF-8 text' };
  }
}
