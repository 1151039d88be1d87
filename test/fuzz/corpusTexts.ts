// The shared corpus files each fuzz target mutates, read once. Node-only test helper.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusFiles } from '../corpus.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Files larger than this are left out of mutation: a mutated 1 MiB ipset dump makes a case take a second
 *  without reaching code the smaller files do not. */
const MAX_FILE_BYTES = 128 * 1024;

const FOLDERS = ['nft', 'nft-json', 'nft-json-fragments', 'nft-py-t', 'nft-input', 'nft-bogons', 'iptables', 'ebtables-arptables', 'iptables-ext-t', 'ipvs', 'ipset', 'generated/nft', 'generated/nft-json', 'generated/iptables'];
const cache = new Map<string, { name: string; text: string }[]>();

/** `repo:DIR/SUFFIX`: files of the repository's DIR (recursively) whose name ends with SUFFIX. */
function repoFiles(spec: string): string[] {
  const [dir = '', suffix = ''] = spec.slice('repo:'.length).split('|');
  return readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(repoRoot, dir, f))
    .sort();
}

function folder(name: string): { name: string; text: string }[] {
  let files = cache.get(name);
  if (!files) {
    files = (name.startsWith('repo:') ? repoFiles(name) : corpusFiles(name, (f) => !f.endsWith('.md')))
      .filter((p) => statSync(p).size <= MAX_FILE_BYTES)
      .map((p) => ({ name: `${name}/${p.slice(p.lastIndexOf('/') + 1)}`, text: readFileSync(p, 'utf8') }));
    cache.set(name, files);
  }
  return files;
}

/** Texts of the corpus folders (`*` = all; `repo:DIR|SUFFIX` = files of this repository), in a fixed order so
 *  that seeds reproduce. */
export function corpusTexts(folders: readonly string[]): string[] {
  const names = folders.includes('*') ? FOLDERS : folders;
  return names.flatMap((n) => folder(n).map((f) => f.text));
}
