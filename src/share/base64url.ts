// base64url without padding (RFC 4648 §5), the alphabet that survives in a URL fragment unescaped.
// Pure; imports nothing (no atob/btoa: they are not in the core's type libraries and work on Latin-1 strings).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Value of each character code, or -1 when the character is not in the alphabet. */
const VALUE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function encodeBase64url(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Build the string in slices so that a multi-megabyte input never makes one giant concatenation chain.
  const SLICE = 3 * 16384;
  for (let start = 0; start < bytes.length; start += SLICE) {
    const end = Math.min(bytes.length, start + SLICE);
    let out = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
      out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
    }
    const rest = end - i;
    if (rest === 1) {
      const n = (bytes[i] as number) << 16;
      out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
    } else if (rest === 2) {
      const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
      out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
    }
    parts.push(out);
  }
  return parts.join('');
}

export type Base64Result =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: string };

/** Decodes base64url; `=` padding is tolerated (some tools add it). Never throws. */
export function decodeBase64url(text: string): Base64Result {
  let length = text.length;
  while (length > 0 && text.charCodeAt(length - 1) === 61 /* = */) length--;
  if (length % 4 === 1) return { ok: false, error: `${length} characters cannot be base64 (one is missing or extra)` };
  const bytes = new Uint8Array(Math.floor((length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? (VALUE[code] as number) : -1;
    if (v < 0) return { ok: false, error: `character ${JSON.stringify(text[i])} at position ${i} is not base64url` };
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >>> bits) & 0xff;
    }
  }
  return { ok: true, bytes };
}
