// Constructs seen in real-world rulesets that nft 1.0.6 accepts: each parses without errors into the IR
// that the JSON parser gives for what `nft -j list ruleset` printed after loading it (recorded in a private
// network namespace with Debian's nft 1.0.6; only the rule's `expr` array is kept here).
import { describe, expect, it } from 'vitest';
import { firstDifference } from '../../model/compare.ts';
import type { Stmt } from '../../model/ir.ts';
import { parseNftJson } from '../nftJson/index.ts';
import { parseNft } from './index.ts';

const META = '{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}';

/** The statements of the one rule of chain c in table `family` t, with the chain header given. */
function textStmts(family: string, header: string, rule: string, preamble = ''): { stmts: readonly Stmt[]; errors: string[] } {
  const r = parseNft(`${preamble}table ${family} t {\n\tchain c {\n\t\t${header}\n\t\t${rule}\n\t}\n}\n`);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  return { stmts: r.ruleset.tables[0]?.chains[0]?.rules[0]?.stmts ?? [], errors };
}

function jsonStmts(family: string, expr: string): readonly Stmt[] {
  const doc = `{"nftables": [${META}, {"table": {"family": "${family}", "name": "t", "handle": 1}}, {"chain": {"family": "${family}", "table": "t", "name": "c", "handle": 1}}, {"rule": {"family": "${family}", "table": "t", "chain": "c", "handle": 2, "expr": ${expr}}}]}`;
  const r = parseNftJson(doc);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ruleset.tables[0]?.chains[0]?.rules[0]?.stmts ?? [];
}

function expectSameAsJson(family: string, header: string, rule: string, expr: string, preamble = ''): void {
  const t = textStmts(family, header, rule, preamble);
  expect(t.errors, rule).toEqual([]);
  expect(firstDifference(t.stmts, jsonStmts(family, expr), { ignoreKeys: ['text'] }), rule).toBeUndefined();
}

const NAT_PRE = 'type nat hook prerouting priority dstnat; policy accept;';
const TCP_DPORT_22 = '{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}';
const TCP_80 = '{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}';

describe('real-world constructs nft 1.0.6 accepts', () => {
  it('redirect to a port without the colon (redir_stmt_arg: TO stmt_expr)', () => {
    expectSameAsJson('ip', NAT_PRE, 'tcp dport 80 redirect to 5353', `[${TCP_80}, {"redirect": {"port": 5353}}]`);
    expectSameAsJson('ip', NAT_PRE, 'tcp dport 80 redirect to 8080-8090 random', `[${TCP_80}, {"redirect": {"port": {"range": [8080, 8090]}, "flags": "random"}}]`);
    expectSameAsJson(
      'ip',
      NAT_PRE,
      'tcp dport 80 redirect to tcp dport map { 80 : 8080 }',
      `[${TCP_80}, {"redirect": {"port": {"map": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": {"set": [[80, 8080]]}}}}}]`,
    );
    // The listed form, with the colon, is the same statement.
    expectSameAsJson('ip', NAT_PRE, 'tcp dport 80 redirect to :5353', `[${TCP_80}, {"redirect": {"port": 5353}}]`);
  });

  it('still wants a transport protocol before a redirect port, and a colon before a masquerade port', () => {
    expect(textStmts('ip', NAT_PRE, 'redirect to 5353').errors.length).toBeGreaterThan(0);
    expect(textStmts('ip', 'type nat hook postrouting priority srcnat;', 'meta l4proto tcp masquerade to 1024-2000').errors.length).toBeGreaterThan(0);
  });

  it('variable names with the characters nft allows in identifiers: / - . (scanner.l string)', () => {
    const defines = 'define ip/router = 10.0.0.1\ndefine ports/router/tcp = { 22, 80 }\ndefine if_wan = "lo"\ndefine a.b-c = 1.2.3.4\n';
    expectSameAsJson('ip', '', 'ip daddr vmap { $ip/router : accept }', '[{"vmap": {"key": {"payload": {"protocol": "ip", "field": "daddr"}}, "data": {"set": [["10.0.0.1", {"accept": null}]]}}}]', defines);
    expectSameAsJson('ip', '', 'tcp dport $ports/router/tcp accept', '[{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [22, 80]}}}, {"accept": null}]', defines);
    expectSameAsJson(
      'ip',
      '',
      'oif $if_wan ip saddr $a.b-c accept',
      '[{"match": {"op": "==", "left": {"meta": {"key": "oif"}}, "right": "lo"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "1.2.3.4"}}, {"accept": null}]',
      defines,
    );
    // As in nft, the slash belongs to the name: `$net/24` is the (undefined) variable `net/24`.
    expect(textStmts('ip', '', 'ip saddr $net/24 accept', 'define net = 10.0.0.0\n').errors.join()).toContain('net/24');
  });

  it('keeps `ether type 8021q` before `vlan type` in bridge tables, drops it before `vlan id` (payload_may_dependency_kill)', () => {
    const ether8021q = '{"match": {"op": "==", "left": {"payload": {"protocol": "ether", "field": "type"}}, "right": "8021q"}}';
    const vlanTypeArp = '{"match": {"op": "==", "left": {"payload": {"protocol": "vlan", "field": "type"}}, "right": "arp"}}';
    const vlanId10 = '{"match": {"op": "==", "left": {"payload": {"protocol": "vlan", "field": "id"}}, "right": 10}}';
    expectSameAsJson('bridge', '', 'ether type 8021q vlan type arp drop', `[${ether8021q}, ${vlanTypeArp}, {"drop": null}]`);
    expectSameAsJson('bridge', '', 'vlan id 10 ether type vlan vlan type arp drop', `[${vlanId10}, ${ether8021q}, ${vlanTypeArp}, {"drop": null}]`);
    expectSameAsJson('bridge', '', 'ether type 8021q vlan id 10 drop', `[${vlanId10}, {"drop": null}]`);
  });

  it('a bare reject takes the network protocol the rule fixed; inet `meta protocol` fixes none (stmt_evaluate_reject_default)', () => {
    const ipDaddr = '{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "1.2.3.4"}}';
    const metaProtocolIp = '{"match": {"op": "==", "left": {"meta": {"key": "protocol"}}, "right": "ip"}}';
    expectSameAsJson('inet', '', 'ip daddr 1.2.3.4 reject', `[${ipDaddr}, {"reject": {"type": "icmp", "expr": "port-unreachable"}}]`);
    expectSameAsJson('inet', '', 'tcp dport 22 reject', `[${TCP_DPORT_22}, {"reject": {"type": "icmpx", "expr": "port-unreachable"}}]`);
    expectSameAsJson('inet', '', 'meta protocol ip reject', `[${metaProtocolIp}, {"reject": {"type": "icmpx", "expr": "port-unreachable"}}]`);
    expectSameAsJson('inet', '', 'meta protocol ip ip6 saddr ::1 drop', `[${metaProtocolIp}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "saddr"}}, "right": "::1"}}, {"drop": null}]`);
    expectSameAsJson('netdev', '', 'meta protocol ip6 reject', '[{"reject": {"type": "icmpv6", "expr": "port-unreachable"}}]');
  });

  it('drops the network protocol match a later header match of that protocol implies (bridge, netdev, inet)', () => {
    const ipSaddr = '{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "1.2.3.4"}}';
    expectSameAsJson('inet', '', 'meta nfproto ipv4 ip saddr 1.2.3.4 drop', `[${ipSaddr}, {"drop": null}]`);
    expectSameAsJson('bridge', '', 'ether type ip ip saddr 1.2.3.4 drop', `[${ipSaddr}, {"drop": null}]`);
    // A transport header match does not: its own dependency is the ip protocol one.
    expectSameAsJson(
      'bridge',
      '',
      'ether type ip tcp dport 22 drop',
      `[{"match": {"op": "==", "left": {"payload": {"protocol": "ether", "field": "type"}}, "right": "ip"}}, ${TCP_DPORT_22}, {"drop": null}]`,
    );
  });

  it('a prefix as long as the address is the address (`ip saddr 10.0.0.1/32`)', () => {
    expectSameAsJson('inet', '', 'ip saddr 10.0.0.1/32 accept', '[{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "10.0.0.1"}}, {"accept": null}]');
    expectSameAsJson('inet', '', 'ip6 daddr != ::1/128 accept', '[{"match": {"op": "!=", "left": {"payload": {"protocol": "ip6", "field": "daddr"}}, "right": "::1"}}, {"accept": null}]');
  });

  it('a variable takes a NAT port as `$v:port`; nft has no variable between `[` and `]`', () => {
    const header = 'type nat hook prerouting priority -100;';
    const preamble = 'define pi6 = fd00::1\n';
    expectSameAsJson('ip6', header, 'tcp dport 53 dnat to $pi6:53', '[{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 53}}, {"dnat": {"addr": "fd00::1", "port": 53}}]', preamble);
    expect(textStmts('ip6', header, 'tcp dport 53 dnat to [$pi6]:53', preamble).errors.join()).toContain("'$pi6:port'");
  });
});
