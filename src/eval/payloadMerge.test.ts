// nft 1.0.6's merge of `!=` header matches, checked against the bytecode `nft --debug=netlink` printed for
// each of these rules (the comment beside each case says what it loaded and compared).
import { describe, expect, it } from 'vitest';
import { parseNft } from '../parse/nft/index.ts';
import { mergedNeqGroups } from './payloadMerge.ts';

/** The statements of one rule written in an `ip` table's input chain. */
function stmtsOf(rule: string) {
  const text = `table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\t${rule}\n\t}\n}\n`;
  const { ruleset, diagnostics } = parseNft(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ruleset.tables[0]!.chains[0]!.rules[0]!.stmts;
}

/** Groups as `kept: [members]`. */
function groupsOf(rule: string): Record<number, readonly number[]> {
  return Object.fromEntries([...mergedNeqGroups(stmtsOf(rule))].map(([kept, g]) => [kept, g.members]));
}

describe('merged != compares (nft 1.0.6 payload merge)', () => {
  it('merges adjacent fields of one header up to 4 bytes, bitmask fields included', () => {
    expect(groupsOf('tcp sport != 80 tcp dport != 53 drop')).toEqual({ 0: [0, 1] }); // load 4b @ th + 0, cmp neq
    expect(groupsOf('tcp flags != syn tcp window != 5 counter')).toEqual({ 0: [0, 1] }); // load 3b @ th + 13
    expect(groupsOf('ip ttl != 3 ip protocol != 6 ip checksum != 7 ip saddr != 1.2.3.4 counter')).toEqual({ 1: [0, 1, 2] }); // 4b @ nh + 8, then saddr alone
  });

  it('sorts by offset: the order of the text does not matter', () => {
    expect(groupsOf('ip length 40-80 ip protocol != udp ip ttl != 64 counter return')).toEqual({ 1: [1, 2] }); // 2b @ nh + 8
  });

  it('keeps the compare where the protocol field was (the dependency is tested there)', () => {
    expect(groupsOf('ip ttl != 3 meta mark 5 ip protocol != 6 counter')).toEqual({ 2: [0, 2] });
    expect(groupsOf('ip ttl != 3 counter meta mark set 1 ip protocol != 6')).toEqual({ 3: [0, 3] }); // counter, mark set, then the compare
    expect(groupsOf('udp sport != 1 meta mark set 2 counter udp dport != 2 accept')).toEqual({ 0: [0, 3] }); // the compare first
  });

  it('another statement ends the run only after two candidates', () => {
    expect(groupsOf('ip ttl != 3 ip protocol != 6 counter ip checksum != 7')).toEqual({ 1: [0, 1] });
    expect(groupsOf('ip ttl != 3 counter ip protocol != 6 counter ip checksum != 7')).toEqual({ 2: [0, 2] });
  });

  it('does not merge across an == field, past 4 bytes of the network header, or unaligned fields', () => {
    expect(groupsOf('tcp sport != 1 tcp dport 2 tcp sequence != 3 counter')).toEqual({});
    expect(groupsOf('ip saddr != 198.51.100.1 ip daddr != 198.51.100.2 accept')).toEqual({}); // two 4-byte loads
    expect(groupsOf('ip version != 4 ip ttl != 3 counter')).toEqual({}); // version is 4 bits (masked load)
    expect(groupsOf('ip saddr != 198.51.100.0/24 ip daddr != 198.51.100.2 accept')).toEqual({}); // a prefix is masked
  });

  it('merges the link-layer header past 4 bytes', () => {
    expect(groupsOf('ether daddr != 00:11:22:33:44:55 ether saddr != 00:11:22:33:44:56 counter')).toEqual({ 0: [0, 1] }); // 12b @ ll + 0
  });
});
