// Permalink codec: round trips (gallery examples, a large kube-proxy dump), and refusals that never throw:
// unknown version, damaged base64, damaged or truncated deflate data, a zip bomb, an over-long fragment,
// wrong JSON shapes, and a seeded storm of random inputs.
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { generateKubeProxy } from '../../scripts/kubeproxy/generate.ts';
import { EXAMPLES } from '../examples/index.ts';
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { crc32 } from './crc32.ts';
import {
  BROWSER_URL_LIMIT, MAX_DECODED_BYTES, MAX_FRAGMENT_LENGTH, buildPermalink, decodePermalink, encodePermalink,
  inflateLimited, type DecodeResult, type PermalinkState,
} from './permalink.ts';

/** Packs arbitrary bytes the way the encoder does (deflate-raw ‖ CRC-32, base64url, `v1.`), so tests can
 *  hand the decoder content the encoder would never write. */
function pack(raw: Uint8Array, { crcOf = raw, version = 'v1' }: { crcOf?: Uint8Array; version?: string } = {}): string {
  const deflated = deflateSync(raw, { level: 6 });
  const out = new Uint8Array(deflated.length + 4);
  out.set(deflated);
  new DataView(out.buffer).setUint32(deflated.length, crc32(crcOf));
  return `${version}.${encodeBase64url(out)}`;
}
const packJson = (json: string) => pack(new TextEncoder().encode(json));

function refusal(r: DecodeResult): string {
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.error;
}

/** mulberry32: a seeded PRNG, so the random-input test is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('building blocks', () => {
  it('crc32 gives the standard check value and continues across chunks', () => {
    const digits = new TextEncoder().encode('123456789');
    expect(crc32(digits)).toBe(0xcbf43926);
    expect(crc32(digits.subarray(4), crc32(digits.subarray(0, 4)))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('base64url agrees with Node for every length mod 3, and refuses bad input', () => {
    const next = prng(7);
    for (let n = 0; n < 200; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      const text = encodeBase64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      const back = decodeBase64url(text);
      expect(back.ok && [...back.bytes]).toEqual([...bytes]);
      expect(decodeBase64url(`${text}${'='.repeat((4 - (text.length % 4)) % 4)}`)).toEqual(back);
    }
    expect(decodeBase64url('abcde')).toEqual({ ok: false, error: '5 characters cannot be base64 (one is missing or extra)' });
    expect(decodeBase64url('ab+d')).toEqual({ ok: false, error: 'character "+" at position 2 is not base64url' });
    expect(decodeBase64url('abé')).toMatchObject({ ok: false });
  });
});

describe('round trips', () => {
  it('every gallery example, with its first packet and a view, comes back identical', () => {
    for (const e of EXAMPLES) {
      const state: PermalinkState = { sources: e.sources, packet: e.packets[0]?.text, view: { example: e.id, zoom: 1.5, open: ['a', 'b'], panel: { width: 420 } } };
      const info = buildPermalink(state);
      expect(info.fragment).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
      expect(info.linkSize).toBe(info.fragment.length);
      expect(info.rawSize).toBe(new TextEncoder().encode(JSON.stringify(state)).length);
      expect(info.linkSize).toBeLessThan(info.rawSize); // compression pays off on every example
      expect(info.tooLarge).toBeUndefined();
      const back = decodePermalink(`https://nflens.example/app/#${info.fragment}`);
      expect(back).toEqual({ ok: true, state, linkSize: info.linkSize, rawSize: info.rawSize });
    }
  });

  it('a large kube-proxy dump (1000 Services × 10 endpoints, nftables) round-trips within the browser URL limit', () => {
    const dump = generateKubeProxy({ mode: 'nftables', services: 1000, endpointsPerService: 10, seed: 3 });
    const text = dump.files.find((f) => f.name === 'nft-list-ruleset.nft')!.text;
    const state: PermalinkState = { sources: [{ name: 'nft list ruleset', format: 'nft', text }] };
    const info = buildPermalink(state);
    expect(info.rawSize).toBeGreaterThan(3_000_000);
    expect(info.linkSize).toBeLessThan(BROWSER_URL_LIMIT);
    expect(info.linkSize * 5).toBeLessThan(info.rawSize);
    expect(decodePermalink(info.fragment)).toEqual({ ok: true, state, linkSize: info.linkSize, rawSize: info.rawSize });
  });

  it('carries only the fields of a link: extra properties of the sources are left out; packet and view are optional', () => {
    const source = { id: 'src-1', name: 'n', format: 'ipset' as const, text: 'create s hash:ip\n', parsed: { big: true } };
    const r = decodePermalink(encodePermalink({ sources: [source] }));
    expect(r).toMatchObject({ ok: true, state: { sources: [{ name: 'n', format: 'ipset', text: 'create s hash:ip\n' }] } });
    expect(r.ok && Object.keys(r.state)).toEqual(['sources']);
    expect(r.ok && Object.keys(r.state.sources[0]!)).toEqual(['name', 'format', 'text']);
  });

  it('keeps every character: non-ASCII, lone surrogates, NUL, CRLF', () => {
    const text = 'comment "café ☕ 日本" \u0000 \r\n \ud800 end \udfff';
    const state: PermalinkState = { sources: [{ name: 'ü', format: 'nft', text }], packet: 'iifname "ß0"', view: {} };
    expect(decodePermalink(encodePermalink(state))).toMatchObject({ ok: true, state });
  });

  it('reads the fragment from a whole URL, "#…", or with surrounding whitespace', () => {
    const f = encodePermalink({ sources: [] });
    for (const input of [f, `#${f}`, `  ${f}\n`, `http://localhost:4173/#${f}`]) {
      expect(decodePermalink(input)).toMatchObject({ ok: true, state: { sources: [] } });
    }
  });

  it('flags a workspace too large for a link', () => {
    // 65 MiB of one repeated line compresses to ~65 KB, but would unpack beyond the decoder's limit.
    const text = 'add rule ip t c ip saddr 10.0.0.1 accept\n'.repeat(Math.ceil((MAX_DECODED_BYTES + 1048576) / 41));
    const info = buildPermalink({ sources: [{ name: 'big', format: 'nft', text }] });
    expect(info.tooLarge).toMatch(/^the workspace is 6\d\.\d MiB uncompressed; links hold at most 64 MiB$/);
    expect(refusal(decodePermalink(info.fragment))).toBe('the link unpacks to more than 64 MiB, the most nflens accepts');
  });
});

describe('refusals', () => {
  const good = encodePermalink({ sources: [{ name: 'nft list ruleset', format: 'nft', text: EXAMPLES[3]!.sources[0]!.text }], packet: 'ip daddr 10.0.0.1' });

  it('unknown version, not a link, empty', () => {
    expect(refusal(decodePermalink(`v2.${good.slice(3)}`))).toBe('the link has format v2, which this version of nflens cannot read (it reads v1)');
    expect(refusal(decodePermalink('v0.AAAA'))).toContain('format v0');
    expect(refusal(decodePermalink('hello world'))).toBe('this is not an nflens link (it should start with "v1.")');
    expect(refusal(decodePermalink('#'))).toBe('the link is empty');
    expect(refusal(decodePermalink(''))).toBe('the link is empty');
    expect(refusal(decodePermalink(42 as unknown as string))).toBe('the link is not text');
  });

  it('a fragment longer than the limit is refused before any decoding, and the message states the limit', () => {
    const long = `v1.${'A'.repeat(MAX_FRAGMENT_LENGTH)}`;
    const started = performance.now();
    expect(refusal(decodePermalink(long))).toBe(`the link is ${MAX_FRAGMENT_LENGTH + 3} characters long; nflens reads links of at most 8388608 characters (8 MiB)`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('corrupt base64', () => {
    expect(refusal(decodePermalink(`${good.slice(0, 10)}*${good.slice(11)}`))).toBe('the link is damaged: character "*" at position 7 is not base64url');
    expect(refusal(decodePermalink('v1.AAAAA'))).toBe('the link is damaged: 5 characters cannot be base64 (one is missing or extra)');
    expect(refusal(decodePermalink('v1.AAAA'))).toBe('the link is damaged: it is too short to hold a workspace (was it cut off?)');
  });

  it('every single-character change is caught (or changes only unused padding bits)', () => {
    const original = decodePermalink(good);
    expect(original.ok).toBe(true);
    let caught = 0;
    for (let i = 3; i < good.length; i++) {
      const c = good[i]!;
      const replacement = B64[(B64.indexOf(c) + 1 + (i % 63)) % 64]!;
      const r = decodePermalink(good.slice(0, i) + replacement + good.slice(i + 1));
      if (r.ok) {
        // Only the low bits of the last character can change without changing a byte.
        expect(i).toBe(good.length - 1);
        expect(r).toEqual(original);
      } else {
        expect(r.error).toMatch(/^the link (is damaged|unpacks to more than)/);
        caught++;
      }
    }
    expect(caught).toBeGreaterThanOrEqual(good.length - 4);
  });

  it('every flipped byte of the compressed payload or its checksum is caught (or changes only unused bits)', () => {
    const original = decodePermalink(good);
    const payload = decodeBase64url(good.slice(3));
    expect(payload.ok).toBe(true);
    const bytes = payload.ok ? payload.bytes : new Uint8Array(0);
    const deflateEnd = bytes.length - 4;
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const flipped = bytes.slice();
        flipped[i]! ^= mask;
        const r = decodePermalink(`v1.${encodeBase64url(flipped)}`);
        if (r.ok) {
          // Only the padding bits after the final block's end code, in the stream's last byte, are unused.
          expect(i, `byte ${i} ^ ${mask}`).toBe(deflateEnd - 1);
          expect(mask).not.toBe(0xff);
          expect(r).toEqual(original);
        }
      }
    }
  });

  it('every truncation is caught', () => {
    for (let n = 3; n < good.length; n += 1) {
      const r = decodePermalink(good.slice(0, n));
      expect(r.ok, `cut at ${n}`).toBe(false);
    }
    let cut = good.length - 40;
    if ((cut - 3) % 4 === 1) cut--; // a length base64 can have, so the cut reaches the inflater
    expect(refusal(decodePermalink(good.slice(0, cut)))).toMatch(
      /^the link is damaged: (its compressed data ends too early|its checksum does not match|its compressed data is invalid)/,
    );
  });

  it('a corrupt deflate stream, and a stream whose checksum does not match', () => {
    // BTYPE 3 is reserved (RFC 1951 §3.2.3).
    expect(refusal(decodePermalink(`v1.${encodeBase64url(Uint8Array.of(0x07, 0, 0, 0, 0, 0, 0))}`))).toBe(
      'the link is damaged: its compressed data is invalid (invalid block type)',
    );
    const json = new TextEncoder().encode('{"sources":[]}');
    expect(refusal(decodePermalink(pack(json, { crcOf: new TextEncoder().encode('{"sources":[1]}') })))).toBe(
      'the link is damaged: its checksum does not match (was it changed or cut off when copied?)',
    );
    expect(decodePermalink(pack(json))).toMatchObject({ ok: true });
  });

  it('a zip bomb is refused, and inflating stops right after the limit instead of unpacking it all', () => {
    const bomb = deflateSync(new Uint8Array(MAX_DECODED_BYTES + 8 * 1048576), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000); // ~70 KB that would unpack to 72 MiB
    const link = `v1.${encodeBase64url(Uint8Array.from([...bomb, 0, 0, 0, 0]))}`;
    expect(link.length).toBeLessThan(140_000);
    expect(refusal(decodePermalink(link))).toBe('the link unpacks to more than 64 MiB, the most nflens accepts');

    // With a 1 MiB limit, the same stream stops within ~1 MiB of the limit: it never unpacks the 72 MiB.
    const limited = inflateLimited(bomb, 1048576);
    expect(limited.ok).toBe(false);
    expect(!limited.ok && limited.inflated).toBeGreaterThan(1048576);
    expect(!limited.ok && limited.inflated).toBeLessThan(3 * 1048576);
  });

  it('content that is not UTF-8 or not JSON', () => {
    expect(refusal(decodePermalink(pack(Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d))))).toBe('the link is damaged: its content is not valid JSON text');
    expect(refusal(decodePermalink(packJson('{"sources": [}')))).toBe('the link is damaged: its content is not valid JSON text');
  });

  it('JSON of the wrong shape: every field is checked', () => {
    const cases: Array<[string, string]> = [
      ['[]', 'expected an object, found a list'],
      ['null', 'expected an object, found null'],
      ['"text"', 'expected an object, found a string'],
      ['{}', '"sources" must be a list, found nothing'],
      ['{"sources":{}}', '"sources" must be a list, found an object'],
      ['{"sources":[],"extra":1}', 'unknown field "extra"'],
      ['{"sources":["nft"]}', 'sources[0] must be an object, found a string'],
      ['{"sources":[{"name":"a","format":"nft"}]}', 'sources[0].text must be text, found nothing'],
      ['{"sources":[{"name":1,"format":"nft","text":""}]}', 'sources[0].name must be text, found a number'],
      ['{"sources":[{"name":"a","format":null,"text":""}]}', 'sources[0].format must be text, found null'],
      ['{"sources":[{"name":"a","format":"nft","text":["x"]}]}', 'sources[0].text must be text, found a list'],
      ['{"sources":[{"name":"a","format":"pcap","text":""}]}', 'sources[0].format "pcap" is not a known format (nft, nft-json, iptables, ipset, ipvs)'],
      ['{"sources":[{"name":"a","format":"nft","text":"","id":"x"}]}', 'sources[0] has an unknown field "id"'],
      ['{"sources":[],"packet":5}', '"packet" must be text, found a number'],
      ['{"sources":[],"view":[1]}', '"view" must be an object, found a list'],
      ['{"sources":[],"view":"x"}', '"view" must be an object, found a string'],
      ['{"sources":[],"view":{"a":{"__proto__":{"polluted":true}}}}', '"view.a" has a field named "__proto__"'],
      [`{"sources":[],"view":{"deep":${'['.repeat(40)}${']'.repeat(40)}}}`, '"view.deep[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]" is nested more than 32 levels deep'],
    ];
    for (const [json, message] of cases) {
      expect(refusal(decodePermalink(packJson(json))), json).toBe(`the link does not hold an nflens workspace: ${message}`);
    }
    expect(decodePermalink(packJson('{"sources":[],"view":{"deep":[[[["fine"]]]],"n":null}}'))).toMatchObject({ ok: true });
  });

  it('never throws on random input (seeded): random text, random base64 after "v1.", random edits of a good link', () => {
    const next = prng(20261123);
    const pick = (s: string) => s[Math.floor(next() * s.length)]!;
    const alphabets = [B64, `${B64}#.=+/ %`, 'v1.', '\u0000\uffff\ud800日é'];
    let accepted = 0;
    for (let n = 0; n < 3000; n++) {
      let input: string;
      const kind = n % 3;
      if (kind === 0) {
        const alphabet = alphabets[Math.floor(next() * alphabets.length)]!;
        input = Array.from({ length: Math.floor(next() * 80) }, () => pick(alphabet)).join('');
      } else if (kind === 1) {
        input = `v1.${Array.from({ length: Math.floor(next() * 400) }, () => pick(B64)).join('')}`;
      } else {
        const chars = [...good];
        for (let k = 1 + Math.floor(next() * 4); k > 0; k--) chars[3 + Math.floor(next() * (chars.length - 3))] = pick(B64);
        input = chars.join('');
      }
      let r: DecodeResult | undefined;
      expect(() => (r = decodePermalink(input))).not.toThrow();
      if (r!.ok) {
        accepted++;
        expect(Array.isArray(r!.state.sources)).toBe(true);
      } else {
        expect(r!.error.length).toBeGreaterThan(10);
      }
    }
    // Random input essentially never forms a valid link (edits confined to padding bits are the exception).
    expect(accepted).toBeLessThan(30);
  });
});
