// Source ranges of the nft text parser: a declaration covers its whole text (keyword or verb to closing
// brace or end of command), a rule its statements, comment and the `# handle N` comment of `nft -a`.
import { describe, expect, it } from 'vitest';
import type { SourceRange } from '../../model/ir.ts';
import { parseNft } from './index.ts';

const LISTING = [
  'table inet t { # handle 1',
  '\tcounter c { # handle 5',
  '\t\tpackets 0 bytes 0',
  '\t}',
  '',
  '\tct helper h { # handle 6',
  '\t\ttype "ftp" protocol tcp',
  '\t\tl3proto inet',
  '\t}',
  '',
  '\tset s { # handle 3',
  '\t\ttype ipv4_addr',
  '\t\telements = { 1.1.1.1 }',
  '\t}',
  '',
  '\tflowtable f { # handle 4',
  '\t\thook ingress priority filter',
  '\t\tdevices = { "lo" }',
  '\t}',
  '',
  '\tchain c { # handle 2',
  '\t\ttype filter hook input priority filter; policy accept;',
  '\t\ttcp dport 22 accept comment "ssh" # handle 7',
  '\t\tudp dport 53 jump {',
  '\t\t\taccept',
  '\t\t} # handle 9',
  '\t\tdrop',
  '\t}',
  '}',
  '',
].join('\n');

const COMMANDS = [
  'add table ip x',
  'add chain ip x y { type filter hook input priority 0; }',
  'add chain ip x z',
  'add rule ip x z counter accept',
  'add set ip x s2 { type ipv4_addr; }',
  'add counter ip x c2',
  'add flowtable ip x f2 { hook ingress priority 0; devices = { lo }; }',
  '',
].join('\n');

describe('nft text parser ranges', () => {
  const slice = (text: string, r: SourceRange | undefined) => (r ? text.slice(r.start, r.end) : undefined);

  it('covers whole declarations and whole rules in a listing', () => {
    const r = parseNft(LISTING);
    expect(r.diagnostics).toEqual([]);
    const t = r.ruleset.tables[0]!;
    expect(slice(LISTING, t.range)).toBe(LISTING.slice(0, -1));
    const c = t.chains.find((x) => x.name === 'c')!;
    expect(slice(LISTING, c.range)).toMatch(/^chain c \{ # handle 2\n[\s\S]*\tdrop\n\t\}$/);
    expect(c.rules.map((x) => slice(LISTING, x.range))).toEqual(['tcp dport 22 accept comment "ssh" # handle 7', 'udp dport 53 jump {\n\t\t\taccept\n\t\t} # handle 9', 'drop']);
    expect(slice(LISTING, t.sets[0]?.range)).toBe('set s { # handle 3\n\t\ttype ipv4_addr\n\t\telements = { 1.1.1.1 }\n\t}');
    expect(slice(LISTING, t.flowtables[0]?.range)).toBe('flowtable f { # handle 4\n\t\thook ingress priority filter\n\t\tdevices = { "lo" }\n\t}');
    expect(t.objects.map((o) => slice(LISTING, o.range))).toEqual(['counter c { # handle 5\n\t\tpackets 0 bytes 0\n\t}', 'ct helper h { # handle 6\n\t\ttype "ftp" protocol tcp\n\t\tl3proto inet\n\t}']);
    // The handles are still read from those comments.
    expect(c.rules.slice(0, 2).map((x) => x.handle)).toEqual([7, 9]);
  });

  it('covers the whole command in the command form', () => {
    const r = parseNft(COMMANDS);
    expect(r.diagnostics).toEqual([]);
    const t = r.ruleset.tables[0]!;
    const lines = COMMANDS.split('\n');
    expect(slice(COMMANDS, t.range)).toBe(lines[0]);
    expect(t.chains.map((c) => slice(COMMANDS, c.range))).toEqual([lines[1], lines[2]]);
    expect(slice(COMMANDS, t.chains[1]?.rules[0]?.range)).toBe('counter accept');
    expect(slice(COMMANDS, t.sets[0]?.range)).toBe(lines[4]);
    expect(slice(COMMANDS, t.objects[0]?.range)).toBe(lines[5]);
    expect(slice(COMMANDS, t.flowtables[0]?.range)).toBe(lines[6]);
  });

  it('keeps the range of the declaration when a rule command named the chain first', () => {
    // kube-proxy's sorted dumps add rules before the chain (a forward reference, a warning).
    const text = 'add table ip k\nadd rule ip k c accept\nadd chain ip k c\n';
    const c = parseNft(text).ruleset.tables[0]!.chains[0]!;
    expect(slice(text, c.range)).toBe('add chain ip k c');
  });
});
