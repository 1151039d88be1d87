// Reading dropped and opened files: text as sources named after the file, gzip unpacked, workspace files
// recognised (and damaged ones reported), binary and non-UTF-8 files refused with the reason.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { workspaceFileText } from '../../store/workspaceSnapshot.ts';
import { readSourceFiles } from './readFiles.ts';

const file = (name: string, content: string | Uint8Array<ArrayBuffer>) => new File([content], name);

describe('readSourceFiles', () => {
  it('reads text and gzip files as named, auto-detected sources, and workspace files as workspaces', async () => {
    const workspace = workspaceFileText({ sources: [{ name: 'a', text: 'table ip t {}', formatChoice: 'nft' }] }, new Date(0));
    const read = await readSourceFiles([
      file('node1-iptables-save.txt', '\uFEFF*filter\nCOMMIT\n'),
      file('ipset.txt.gz', gzipSync(new TextEncoder().encode('create s hash:ip\n'))),
      file('shared.nflens.json', workspace),
    ]);
    expect(read.sources).toEqual([
      { name: 'node1-iptables-save.txt', text: '*filter\nCOMMIT\n', formatChoice: 'auto', named: true },
      { name: 'ipset.txt', text: 'create s hash:ip\n', formatChoice: 'auto', named: true },
    ]);
    expect(read.workspaces).toEqual([{ fileName: 'shared.nflens.json', snapshot: expect.objectContaining({ sources: [{ name: 'a', text: 'table ip t {}', formatChoice: 'nft' }] }) }]);
    expect(read.errors).toEqual([]);
  });

  it('refuses binary, non-UTF-8, broken gzip and damaged workspace files, one sentence each', async () => {
    const read = await readSourceFiles([
      file('image.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1])),
      file('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9])),
      file('cut.gz', new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2])),
      file('bad.nflens.json', '{"format":"nflens-workspace","version":1,"workspace":{"sources":3}}'),
    ]);
    expect(read.sources).toEqual([]);
    expect(read.errors).toEqual([
      'image.png: it is not a text file',
      'latin1.txt: it is not UTF-8 text',
      expect.stringMatching(/^cut\.gz: it looks gzip-compressed but could not be unpacked/),
      'bad.nflens.json: the workspace file is damaged: "sources" must be a list',
    ]);
  });
});
