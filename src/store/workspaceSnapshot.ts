// A workspace as plain data, for permalinks, the session saved in this browser and workspace files: its
// sources, the packet, and the view (tab, selection, open outline nodes, theme). Source ids are not part of
// it (they are recreated on load), so node ids are stored relative to the source's position. Every reader
// checks its input field by field: links and files come from elsewhere. Pure; imports the permalink codec's
// types and store types only.
import type { SourceFormat, SourceRange } from '../model/ir.ts';
import type { PermalinkState } from '../share/permalink.ts';
import { FORMATS } from '../parse/index.ts';
import type { AppState } from './appStore.ts';
import type { FormatChoice } from './parseClient.ts';
import type { Theme } from './viewSlice.ts';

export interface SnapshotSource {
  readonly name: string;
  readonly text: string;
  readonly formatChoice: FormatChoice;
  readonly named?: boolean;
}

export interface ViewSnapshot {
  readonly tab?: string;
  /** `source` is a position in `sources`; `node` a relative node id (see `toRelativeNodeId`). */
  readonly selection?: { readonly source: number; readonly node?: string; readonly range?: SourceRange };
  /** Outline nodes the user opened or closed, by relative id. */
  readonly expanded?: Readonly<Record<string, boolean>>;
  /** Only when the user chose it (a link does not override the receiver's system theme otherwise). */
  readonly theme?: Theme;
}

export interface WorkspaceSnapshot {
  readonly sources: readonly SnapshotSource[];
  /** Position of the source the editor shows. */
  readonly active?: number;
  readonly packet?: string;
  /** Id of the gallery example the workspace came from (its suggested packets come back with it). */
  readonly example?: string;
  readonly view?: ViewSnapshot;
}

// ───────────── node ids relative to source positions ─────────────

/** `src:source-7/t:ip:nat#0/chains` → `2/t:ip:nat#0/chains` when source-7 is the third source. */
export function toRelativeNodeId(nodeId: string, sourceIds: readonly string[]): string | undefined {
  for (let i = 0; i < sourceIds.length; i++) {
    const prefix = `src:${sourceIds[i]}`;
    if (nodeId === prefix || nodeId.startsWith(`${prefix}/`)) return `${i}${nodeId.slice(prefix.length)}`;
  }
  return undefined;
}

export function fromRelativeNodeId(relative: string, sourceIds: readonly string[]): string | undefined {
  const m = /^(\d{1,6})(\/.*)?$/s.exec(relative);
  const id = m ? sourceIds[Number(m[1])] : undefined;
  return id === undefined ? undefined : `src:${id}${m?.[2] ?? ''}`;
}

// ───────────── from the store ─────────────

/** The workspace and view of the store as a snapshot. */
export function snapshotWorkspace(state: AppState): WorkspaceSnapshot {
  const ids = state.sources.map((s) => s.id);
  const selection = state.selection;
  const selectionSource = selection ? ids.indexOf(selection.sourceId) : -1;
  const node = selection?.nodeId !== undefined ? toRelativeNodeId(selection.nodeId, ids) : undefined;
  const expanded: Record<string, boolean> = {};
  for (const [id, open] of Object.entries(state.expanded)) {
    const relative = toRelativeNodeId(id, ids);
    if (relative !== undefined) expanded[relative] = open;
  }
  const view: ViewSnapshot = {
    tab: state.activeTab,
    ...(selection && selectionSource >= 0
      ? { selection: { source: selectionSource, ...(node !== undefined ? { node } : {}), ...(selection.range ? { range: selection.range } : {}) } }
      : {}),
    ...(Object.keys(expanded).length > 0 ? { expanded } : {}),
    ...(state.themeSource === 'user' ? { theme: state.theme } : {}),
  };
  return {
    sources: state.sources.map((s) => ({ name: s.name, text: s.text, formatChoice: s.formatChoice, ...(s.named ? { named: true } : {}) })),
    active: Math.max(0, ids.indexOf(state.activeSourceId)),
    ...(state.packetText !== '' ? { packet: state.packetText } : {}),
    ...(state.origin.kind === 'example' ? { example: state.origin.exampleId } : {}),
    view,
  };
}

// ───────────── permalinks ─────────────

/**
 * The permalink state of a snapshot. A link names each source's format; which of them were auto-detected
 * (rather than forced) goes in `view.auto`, so that the receiver keeps detecting them. `formatOf` gives the
 * format an auto source is read as.
 */
export function toPermalinkState(snapshot: WorkspaceSnapshot, formatOf: (index: number) => SourceFormat): PermalinkState {
  const auto = snapshot.sources.flatMap((s, i) => (s.formatChoice === 'auto' ? [i] : []));
  const named = snapshot.sources.flatMap((s, i) => (s.named ? [i] : []));
  const view: Record<string, unknown> = {
    ...(snapshot.view?.tab !== undefined ? { tab: snapshot.view.tab } : {}),
    active: snapshot.active ?? 0,
    ...(auto.length > 0 ? { auto } : {}),
    ...(named.length > 0 ? { named } : {}),
    ...(snapshot.view?.selection ? { selection: snapshot.view.selection } : {}),
    ...(snapshot.view?.expanded ? { expanded: snapshot.view.expanded } : {}),
    ...(snapshot.view?.theme ? { theme: snapshot.view.theme } : {}),
    ...(snapshot.example !== undefined ? { example: snapshot.example } : {}),
  };
  return {
    sources: snapshot.sources.map((s, i) => ({ name: s.name, format: s.formatChoice === 'auto' ? formatOf(i) : s.formatChoice, text: s.text })),
    ...(snapshot.packet !== undefined && snapshot.packet !== '' ? { packet: snapshot.packet } : {}),
    view,
  };
}

/** The snapshot a decoded permalink describes. View fields that are missing or malformed are left out
 *  (a link from a newer or older nflens still opens its sources). */
export function fromPermalinkState(state: PermalinkState): WorkspaceSnapshot {
  const view = state.view ?? {};
  const count = state.sources.length;
  const auto = new Set(indexList(view.auto, count));
  const named = new Set(indexList(view.named, count));
  return {
    sources: state.sources.map((s, i) => ({ name: s.name, text: s.text, formatChoice: auto.has(i) ? 'auto' : s.format, ...(named.has(i) ? { named: true } : {}) })),
    ...(isIndex(view.active, count) ? { active: view.active } : {}),
    ...(state.packet !== undefined ? { packet: state.packet } : {}),
    ...(typeof view.example === 'string' ? { example: view.example } : {}),
    view: readView(view, count),
  };
}

// ───────────── workspace files and the saved session ─────────────

const FILE_MARK = 'nflens-workspace' as const;
const FILE_VERSION = 1 as const;

/** A workspace file as data: what `workspaceFileText` writes as JSON, and what a large saved session keeps
 *  as it is (IndexedDB copies strings without turning tens of MB into escaped JSON on the main thread). */
export interface WorkspaceFileObject {
  readonly format: typeof FILE_MARK;
  readonly version: typeof FILE_VERSION;
  readonly savedAt: string;
  readonly workspace: WorkspaceSnapshot;
}

export function workspaceFileObject(snapshot: WorkspaceSnapshot, savedAt: Date): WorkspaceFileObject {
  return { format: FILE_MARK, version: FILE_VERSION, savedAt: savedAt.toISOString(), workspace: snapshot };
}

/** A workspace as a JSON file (download, saved session): tagged so that it is never taken for a dump. */
export function workspaceFileText(snapshot: WorkspaceSnapshot, savedAt: Date): string {
  return JSON.stringify(workspaceFileObject(snapshot, savedAt));
}

export type WorkspaceFileResult =
  | { readonly kind: 'workspace'; readonly snapshot: WorkspaceSnapshot; readonly savedAt?: string }
  | { readonly kind: 'invalid'; readonly error: string }
  /** Not a workspace file at all (e.g. a dump): the caller treats it as a source. */
  | { readonly kind: 'other' };

/** Reads a workspace file; cheap for anything else (only text starting with `{"format":"nflens-workspace"`
 *  is parsed as JSON). */
export function readWorkspaceFile(text: string): WorkspaceFileResult {
  if (!/^\s*\{\s*"format"\s*:\s*"nflens-workspace"/.test(text.slice(0, 200))) return { kind: 'other' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', error: 'the workspace file is damaged: it is not valid JSON' };
  }
  return readWorkspaceFileObject(json);
}

/** Reads a workspace file that is already data (JSON-parsed, or kept as an object by IndexedDB). */
export function readWorkspaceFileObject(json: unknown): WorkspaceFileResult {
  if (!isRecord(json)) return { kind: 'invalid', error: 'the workspace file holds no workspace' };
  if (json.format !== FILE_MARK) return { kind: 'other' };
  if (json.version !== FILE_VERSION) return { kind: 'invalid', error: `the workspace file has version ${String(json.version)}; this nflens reads version ${FILE_VERSION}` };
  const snapshot = readSnapshot(json.workspace);
  if (typeof snapshot === 'string') return { kind: 'invalid', error: `the workspace file is damaged: ${snapshot}` };
  return { kind: 'workspace', snapshot, ...(typeof json.savedAt === 'string' ? { savedAt: json.savedAt } : {}) };
}

/** A snapshot from untrusted JSON, or what is wrong with it. */
export function readSnapshot(v: unknown): WorkspaceSnapshot | string {
  if (!isRecord(v)) return 'expected a workspace object';
  if (!Array.isArray(v.sources)) return '"sources" must be a list';
  const sources: SnapshotSource[] = [];
  for (const [i, s] of v.sources.entries()) {
    if (!isRecord(s) || typeof s.name !== 'string' || typeof s.text !== 'string') return `sources[${i}] needs a name and a text`;
    const formatChoice = s.formatChoice === 'auto' || (typeof s.formatChoice === 'string' && (FORMATS as readonly string[]).includes(s.formatChoice)) ? (s.formatChoice as FormatChoice) : undefined;
    if (formatChoice === undefined) return `sources[${i}].formatChoice "${String(s.formatChoice)}" is not a known format`;
    sources.push({ name: s.name, text: s.text, formatChoice, ...(s.named === true ? { named: true } : {}) });
  }
  const count = sources.length;
  return {
    sources,
    ...(isIndex(v.active, count) ? { active: v.active } : {}),
    ...(typeof v.packet === 'string' ? { packet: v.packet } : {}),
    ...(typeof v.example === 'string' ? { example: v.example } : {}),
    view: readView(isRecord(v.view) ? v.view : {}, count),
  };
}

// ───────────── field checks ─────────────

function readView(view: Readonly<Record<string, unknown>>, count: number): ViewSnapshot {
  const selection = readSelection(view.selection, count);
  const expanded = readExpanded(view.expanded);
  return {
    ...(typeof view.tab === 'string' && /^[\w-]{1,64}$/.test(view.tab) ? { tab: view.tab } : {}),
    ...(selection ? { selection } : {}),
    ...(expanded ? { expanded } : {}),
    ...(view.theme === 'light' || view.theme === 'dark' ? { theme: view.theme } : {}),
  };
}

function readSelection(v: unknown, count: number): ViewSnapshot['selection'] {
  if (!isRecord(v) || !isIndex(v.source, count)) return undefined;
  const range = isRecord(v.range) && isOffset(v.range.start) && isOffset(v.range.end) && v.range.start <= v.range.end ? { start: v.range.start, end: v.range.end } : undefined;
  return { source: v.source, ...(typeof v.node === 'string' ? { node: v.node } : {}), ...(range ? { range } : {}) };
}

function readExpanded(v: unknown): Record<string, boolean> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, boolean> = {};
  for (const [key, open] of Object.entries(v)) if (typeof open === 'boolean' && key !== '__proto__') out[key] = open;
  return Object.keys(out).length > 0 ? out : undefined;
}

function indexList(v: unknown, count: number): number[] {
  return Array.isArray(v) ? v.filter((i): i is number => isIndex(i, count)) : [];
}

function isIndex(v: unknown, count: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < count;
}

function isOffset(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
