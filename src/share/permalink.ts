// Permalink codec: a workspace (sources, packet, view settings) ⇄ a URL fragment. Pure, no DOM and no Node
// (runs in the page, in workers and in the CLI); imports fflate, the model's SourceFormat type and this folder.
//
// Fragment format, version 1:  `v1.` + base64url( deflate-raw( UTF-8( JSON ) ) ‖ CRC-32( UTF-8( JSON ) ) )
// The CRC (4 bytes, big-endian) makes a link that was changed or cut off in transit fail loudly instead of
// opening a silently different ruleset. Everything after the version prefix is base64url, so the fragment
// needs no percent-escaping.
import { Inflate, deflateSync } from 'fflate';
import type { SourceFormat } from '../model/ir.ts';
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { crc32 } from './crc32.ts';

export const PERMALINK_VERSION = 1;
const PREFIX = `v${PERMALINK_VERSION}.`;

/** Longest fragment `decodePermalink` reads (8 MiB characters ≈ 6 MiB of compressed data). */
export const MAX_FRAGMENT_LENGTH = 8 * 1024 * 1024;
/** Largest decompressed content `decodePermalink` accepts; inflating stops as soon as it is passed. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;
/** Chromium refuses to navigate to URLs longer than this (kMaxURLChars, url/url_constants.cc); a longer
 *  link still decodes when pasted, but cannot be opened by clicking it. */
export const BROWSER_URL_LIMIT = 2 * 1024 * 1024;
/** How deep `view` may nest (it holds UI settings, never deep trees). */
const MAX_VIEW_DEPTH = 32;
/** DEFLATE's largest expansion: a 258-byte match coded in 2 bits (RFC 1951 §3.2.5, one-bit length and
 *  distance codes) is 1032 output bytes per input byte. */
const MAX_DEFLATE_RATIO = 1032;
/** The smallest step of compressed input fed to the inflater (inflates to at most ~1 MiB). */
const MIN_INFLATE_STEP = 1024;

/** One source as a link carries it: exactly these three fields (ids are recreated on load). */
export interface PermalinkSource {
  readonly name: string;
  readonly format: SourceFormat;
  readonly text: string;
}

export interface PermalinkState {
  readonly sources: readonly PermalinkSource[];
  /** The packet under trace, in the one-line packet syntax. */
  readonly packet?: string;
  /** UI settings (selected chain, zoom, …): any JSON object; the codec only checks it is plain JSON. */
  readonly view?: Readonly<Record<string, unknown>>;
}

/** The formats a link may name. A Record over SourceFormat, so adding a format to the model without
 *  adding it here is a compile error. */
const KNOWN_FORMATS: Readonly<Record<SourceFormat, true>> = { nft: true, 'nft-json': true, iptables: true, ipset: true, ipvs: true };
const FORMAT_LIST = Object.keys(KNOWN_FORMATS).join(', ');

function isKnownFormat(s: string): s is SourceFormat {
  return Object.prototype.hasOwnProperty.call(KNOWN_FORMATS, s);
}

// TextEncoder/TextDecoder exist in every browser, worker and Node ≥ 11, but their declarations live in the
// DOM and Node type libraries, which the core's type check deliberately leaves out; reach them through
// globalThis with the little of their interface used here.
interface Utf8Codecs {
  readonly TextEncoder: new () => { encode(text: string): Uint8Array };
  readonly TextDecoder: new (label: 'utf-8', options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
}
const codecs = globalThis as unknown as Utf8Codecs;

export interface PermalinkInfo {
  /** The fragment, without `#`. */
  readonly fragment: string;
  /** Characters of the fragment (what the link adds to the page address). */
  readonly linkSize: number;
  /** Bytes of the uncompressed content (UTF-8 JSON of the state). */
  readonly rawSize: number;
  /** Bytes after compression, before base64url. */
  readonly compressedSize: number;
  /** Set when `decodePermalink` would refuse this link; says why. */
  readonly tooLarge?: string;
}

/** Builds the link and reports its sizes, so the UI can show them (and warn past BROWSER_URL_LIMIT). */
export function buildPermalink(state: PermalinkState): PermalinkInfo {
  const raw = new codecs.TextEncoder().encode(JSON.stringify(canonicalState(state)));
  const deflated = deflateSync(raw, { level: 9 });
  const payload = new Uint8Array(deflated.length + 4);
  payload.set(deflated);
  const crc = crc32(raw);
  payload[deflated.length] = crc >>> 24;
  payload[deflated.length + 1] = (crc >>> 16) & 0xff;
  payload[deflated.length + 2] = (crc >>> 8) & 0xff;
  payload[deflated.length + 3] = crc & 0xff;
  const fragment = PREFIX + encodeBase64url(payload);
  const tooLarge =
    raw.length > MAX_DECODED_BYTES
      ? `the workspace is ${mib(raw.length)} uncompressed; links hold at most ${mib(MAX_DECODED_BYTES)}`
      : fragment.length > MAX_FRAGMENT_LENGTH
        ? `the link would be ${fragment.length} characters; links may be at most ${MAX_FRAGMENT_LENGTH}`
        : undefined;
  return { fragment, linkSize: fragment.length, rawSize: raw.length, compressedSize: payload.length, ...(tooLarge ? { tooLarge } : {}) };
}

/** The fragment (without `#`) for a state. */
export function encodePermalink(state: PermalinkState): string {
  return buildPermalink(state).fragment;
}

/** Only the fields a link carries, in a fixed order (callers may pass richer objects, e.g. the store's Source). */
function canonicalState(state: PermalinkState): PermalinkState {
  return {
    sources: state.sources.map((s) => ({ name: s.name, format: s.format, text: s.text })),
    ...(state.packet !== undefined ? { packet: state.packet } : {}),
    ...(state.view !== undefined ? { view: state.view } : {}),
  };
}

export type DecodeResult =
  | { readonly ok: true; readonly state: PermalinkState; readonly linkSize: number; readonly rawSize: number }
  | { readonly ok: false; readonly error: string };

/**
 * Reads a link: a whole URL, `#fragment` or the bare fragment. Never throws: every refusal is
 * `{ ok: false, error }` with a sentence for the user.
 */
export function decodePermalink(input: string): DecodeResult {
  try {
    return decode(input);
  } catch (e) {
    // Nothing below is expected to throw; this keeps the promise if something does (e.g. out of memory).
    return { ok: false, error: `the link could not be read (${e instanceof Error ? e.message : String(e)})` };
  }
}

function decode(input: string): DecodeResult {
  if (typeof input !== 'string') return fail('the link is not text');
  const hash = input.indexOf('#');
  const fragment = (hash >= 0 ? input.slice(hash + 1) : input).trim();
  if (fragment.length > MAX_FRAGMENT_LENGTH) {
    return fail(`the link is ${fragment.length} characters long; nflens reads links of at most ${MAX_FRAGMENT_LENGTH} characters (8 MiB)`);
  }
  if (fragment === '') return fail('the link is empty');
  const version = /^v(\d{1,6})\./.exec(fragment);
  if (!version) return fail(`this is not an nflens link (it should start with "${PREFIX}")`);
  if (Number(version[1]) !== PERMALINK_VERSION) {
    return fail(`the link has format v${version[1]}, which this version of nflens cannot read (it reads ${PREFIX.slice(0, -1)})`);
  }
  const base64 = decodeBase64url(fragment.slice(version[0].length));
  if (!base64.ok) return fail(`the link is damaged: ${base64.error}`);
  if (base64.bytes.length < 5) return fail('the link is damaged: it is too short to hold a workspace (was it cut off?)');

  const compressed = base64.bytes.subarray(0, base64.bytes.length - 4);
  const t = base64.bytes.subarray(base64.bytes.length - 4);
  const expectedCrc = (((t[0] as number) << 24) | ((t[1] as number) << 16) | ((t[2] as number) << 8) | (t[3] as number)) >>> 0;
  const inflated = inflateLimited(compressed, MAX_DECODED_BYTES);
  if (!inflated.ok) return fail(inflated.error);
  if (inflated.crc !== expectedCrc) return fail('the link is damaged: its checksum does not match (was it changed or cut off when copied?)');

  let json: unknown;
  try {
    json = JSON.parse(new codecs.TextDecoder('utf-8', { fatal: true }).decode(inflated.bytes));
  } catch {
    return fail('the link is damaged: its content is not valid JSON text');
  }
  const checked = validateState(json);
  if (typeof checked === 'string') return fail(`the link does not hold an nflens workspace: ${checked}`);
  return { ok: true, state: checked, linkSize: fragment.length, rawSize: inflated.bytes.length };
}

function fail(error: string): DecodeResult {
  return { ok: false, error };
}

export type InflateResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly crc: number }
  | { readonly ok: false; readonly error: string; readonly inflated: number };

/**
 * Inflates raw DEFLATE with fflate's streaming Inflate and stops as soon as the output passes `limit`, so a
 * small "zip bomb" never gets to allocate its full size. Each step feeds only as much input as can inflate
 * to what is left of the limit (at least MIN_INFLATE_STEP), so the output passes the limit by at most
 * ~1 MiB. Exported for the tests (which check how far it got before stopping). Never throws.
 */
export function inflateLimited(compressed: Uint8Array, limit: number): InflateResult {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let crc = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > limit) return; // the loop below stops before the next step; keep nothing more
    crc = crc32(chunk, crc);
    chunks.push(chunk);
  });
  try {
    for (let at = 0; ; ) {
      const step = Math.max(MIN_INFLATE_STEP, Math.floor((limit - total) / MAX_DEFLATE_RATIO));
      const end = Math.min(compressed.length, at + step);
      inflater.push(compressed.subarray(at, end), end === compressed.length);
      if (total > limit) {
        return { ok: false, error: `the link unpacks to more than ${mib(limit)}, the most nflens accepts`, inflated: total };
      }
      if (end === compressed.length) break;
      at = end;
    }
  } catch (e) {
    const what = e instanceof Error ? e.message : String(e);
    const error =
      what === 'unexpected EOF'
        ? 'the link is damaged: its compressed data ends too early (was it cut off when copied?)'
        : `the link is damaged: its compressed data is invalid (${what})`;
    return { ok: false, error, inflated: total };
  }
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    bytes.set(c, o);
    o += c.length;
  }
  return { ok: true, bytes, crc };
}

// ───────────── shape checks: every field, strings only, known formats ─────────────

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The state, or a sentence saying what is wrong with it. */
function validateState(v: unknown): PermalinkState | string {
  if (!isPlainObject(v)) return `expected an object, found ${describe(v)}`;
  for (const key of Object.keys(v)) {
    if (key !== 'sources' && key !== 'packet' && key !== 'view') return `unknown field "${key}"`;
  }
  const { sources, packet, view } = v;
  if (!Array.isArray(sources)) return `"sources" must be a list, found ${describe(sources)}`;
  const out: PermalinkSource[] = [];
  for (let i = 0; i < sources.length; i++) {
    const s: unknown = sources[i];
    const where = `sources[${i}]`;
    if (!isPlainObject(s)) return `${where} must be an object, found ${describe(s)}`;
    for (const key of Object.keys(s)) {
      if (key !== 'name' && key !== 'format' && key !== 'text') return `${where} has an unknown field "${key}"`;
    }
    for (const key of ['name', 'format', 'text'] as const) {
      if (typeof s[key] !== 'string') return `${where}.${key} must be text, found ${describe(s[key])}`;
    }
    const format = s.format as string;
    if (!isKnownFormat(format)) return `${where}.format "${format}" is not a known format (${FORMAT_LIST})`;
    out.push({ name: s.name as string, format, text: s.text as string });
  }
  if (packet !== undefined && typeof packet !== 'string') return `"packet" must be text, found ${describe(packet)}`;
  if (view !== undefined) {
    if (!isPlainObject(view)) return `"view" must be an object, found ${describe(view)}`;
    const problem = checkJsonValue(view, 'view', 0);
    if (problem) return problem;
  }
  return {
    sources: out,
    ...(packet !== undefined ? { packet } : {}),
    ...(view !== undefined ? { view } : {}),
  };
}

/** JSON.parse output is already plain JSON; refuse only what could hurt the code that consumes it:
 *  absurd nesting, and `__proto__` keys (Object.assign or a naive merge would set a prototype from them). */
function checkJsonValue(v: unknown, path: string, depth: number): string | undefined {
  if (depth > MAX_VIEW_DEPTH) return `"${path}" is nested more than ${MAX_VIEW_DEPTH} levels deep`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = checkJsonValue(v[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
  } else if (isPlainObject(v)) {
    for (const key of Object.keys(v)) {
      if (key === '__proto__') return `"${path}" has a field named "__proto__"`;
      const p = checkJsonValue(v[key], `${path}.${key}`, depth + 1);
      if (p) return p;
    }
  }
  return undefined;
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(bytes % 1048576 === 0 ? 0 : 1)} MiB`;
}
