import { describe, expect, it } from 'vitest';
import type { BaseChainSpec, Chain, Expr, NamedSet, ParseResult, ParsedSource, Rule, SourceFormat, Stmt, Table, TableOrigin } from '../model/ir.ts';
import { parseIpset } from './ipset/index.ts';
import { parseIptables } from './iptables/index.ts';
import { checkWorkspace, checkWorkspaceFacts, collectWorkspaceFacts, type WorkspaceFacts } from './workspace.ts';

// The nft text and iptables parsers are written in parallel with this module, so the nft and iptables
// parts of these workspaces are built as the IR those parsers produce (nft -j shapes, `xt` nodes and
// `xt.args` for iptables rules); ipset parts go through the real ipset parser.

const accept: Stmt = { kind: 'verdict', verdict: { kind: 'accept' } };
const drop: Stmt = { kind: 'verdict', verdict: { kind: 'drop' } };
const jump = (target: string, start = 0): Stmt => ({ kind: 'verdict', verdict: { kind: 'jump', target }, range: { start, end: start + 4 } });
const gotoChain = (target: string): Stmt => ({ kind: 'verdict', verdict: { kind: 'goto', target } });
const matchSet = (name: string): Stmt => ({ kind: 'match', op: '==', left: { kind: 'payload', protocol: 'ip', field: 'saddr' }, right: { kind: 'setref', name } });

function rule(stmts: Stmt[], extra: Partial<Rule> = {}): Rule {
  return { kind: 'rule', stmts, ...extra };
}

function chain(name: string, rules: Rule[], base?: { hook: string; priority: number; policy?: 'accept' | 'drop'; type?: BaseChainSpec['type'] }, range?: { start: number; end: number }): Chain {
  return {
    kind: 'chain',
    name,
    rules,
    ...(base ? { base: { type: base.type ?? 'filter', hook: base.hook, priority: { value: base.priority }, policy: base.policy ?? 'accept' } } : {}),
    ...(range ? { range } : {}),
  };
}

function table(family: Table['family'], name: string, chains: Chain[], extra: { origin?: TableOrigin; sets?: NamedSet[] } = {}): Table {
  return { kind: 'table', family, name, chains, sets: extra.sets ?? [], flowtables: [], objects: [], range: { start: 0, end: 10 }, ...(extra.origin ? { origin: extra.origin } : {}) };
}

function source(id: string, format: SourceFormat, tables: Table[], text = ''): ParsedSource {
  return { source: { id, name: `${id} dump`, format, text }, result: { ruleset: { tables, ipvs: [] }, diagnostics: [] } };
}

function fromParse(id: string, format: SourceFormat, text: string, result: ParseResult): ParsedSource {
  return { source: { id, name: `${id} dump`, format, text }, result };
}

function codes(sources: ParsedSource[]): string[] {
  return checkWorkspace({ sources }).map((d) => `${d.sourceId} ${d.severity} ${d.code}`);
}

/** iptables-nft's filter table as `nft list ruleset` shows it (generated/iptables/*.nft-list-a.nft). */
const iptablesNftFilter = table('ip', 'filter', [
  chain('INPUT', [rule([jump('L_ACCEPT')])], { hook: 'input', priority: 0, policy: 'drop' }),
  chain('FORWARD', [], { hook: 'forward', priority: 0, policy: 'drop' }),
  chain('OUTPUT', [], { hook: 'output', priority: 0 }),
  chain('L_ACCEPT', [rule([accept])]),
]);

describe('checkWorkspace: iptables-nft tables inside nft list ruleset', () => {
  it('says which tables iptables-nft manages: built-in chains at the standard priorities, or xt statements', () => {
    const xtRaw = table('ip', 'raw', [
      chain('PREROUTING', [rule([jump('port_assignment')])], { hook: 'prerouting', priority: -300 }),
      chain('port_assignment', [rule([{ kind: 'xt', type: 'target', name: 'CT', options: {}, text: 'xt target CT' }])]),
    ]);
    const xtIp6Nat = table('ip6', 'nat', [chain('custom', [rule([{ kind: 'xt', type: 'match', name: 'recent', options: {}, text: 'xt match recent' }])])]);
    const ebtables = table('bridge', 'filter', [chain('FORWARD', [], { hook: 'forward', priority: -200, policy: 'drop' })]);
    const diagnostics = checkWorkspace({ sources: [source('nft', 'nft', [iptablesNftFilter, xtRaw, xtIp6Nat, ebtables])] });
    expect(diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['info', 'SRC2001', 'table ip filter is managed by iptables-nft; edit it with iptables, not nft'],
      ['info', 'SRC2001', 'table ip raw is managed by iptables-nft; edit it with iptables, not nft'],
      ['info', 'SRC2001', 'table ip6 nat is managed by iptables-nft; edit it with ip6tables, not nft'],
      ['info', 'SRC2001', 'table bridge filter is managed by iptables-nft; edit it with ebtables, not nft'],
    ]);
    expect(diagnostics[0]?.sourceId).toBe('nft');
  });

  it('leaves native nft tables alone, even when named like iptables tables', () => {
    const native = [
      table('ip', 'filter', [chain('input', [rule([accept])], { hook: 'input', priority: 0 })]), // lower-case chains
      table('ip', 'nat', [chain('PREROUTING', [], { hook: 'prerouting', priority: -300, type: 'nat' })]), // not NAT_DST
      table('inet', 'filter', [chain('INPUT', [], { hook: 'input', priority: 0 })]), // inet is nft-only
      table('ip', 'kube-proxy', [chain('INPUT', [], { hook: 'input', priority: 0 })]),
    ];
    expect(codes([source('nft', 'nft', native)])).toEqual([]);
    // The same filter table pasted as iptables-save is not "seen through nft".
    expect(codes([source('ipt', 'iptables', [iptablesNftFilter])])).toEqual([]);
  });
});

describe('checkWorkspace: iptables-legacy and nf_tables on the same hook', () => {
  const legacyFilter = (rules: Rule[], policy: 'accept' | 'drop' = 'accept') =>
    table('ip', 'filter', [chain('INPUT', rules, { hook: 'input', priority: 0, policy }, { start: 20, end: 40 }), chain('OUTPUT', [], { hook: 'output', priority: 0 })], { origin: 'iptables-legacy' });
  const nftInput = table('inet', 'fw', [chain('input', [rule([accept])], { hook: 'input', priority: 0 })]);

  it('warns on the legacy chain, naming both sides and why it matters', () => {
    const diagnostics = checkWorkspace({ sources: [source('legacy', 'iptables', [legacyFilter([rule([drop])])]), source('nft', 'nft', [nftInput])] });
    expect(diagnostics.map((d) => [d.sourceId, d.severity, d.code, d.range])).toEqual([['legacy', 'warning', 'SRC2002', { start: 20, end: 40 }]]);
    expect(diagnostics[0]?.message).toContain('ip input');
    expect(diagnostics[0]?.message).toContain('iptables-legacy chain ip filter INPUT (legacy dump)');
    expect(diagnostics[0]?.message).toContain('nf_tables chain inet fw input (nft dump)');
    expect(diagnostics[0]?.message).toContain('a DROP in either drops it');
  });

  it('stays quiet when the hooks differ, a side is idle, or the backend is not stated', () => {
    const ip6Only = table('ip6', 'fw', [chain('input', [rule([accept])], { hook: 'input', priority: 0 })]);
    expect(codes([source('legacy', 'iptables', [legacyFilter([rule([drop])])]), source('nft', 'nft', [ip6Only])])).toEqual([]);
    expect(codes([source('legacy', 'iptables', [legacyFilter([])]), source('nft', 'nft', [nftInput])])).toEqual([]);
    const unknownBackend = { ...legacyFilter([rule([drop])]), origin: 'iptables' as const };
    expect(codes([source('ipt', 'iptables', [unknownBackend]), source('nft', 'nft', [nftInput])])).toEqual([]);
  });

  it('counts an empty legacy chain with a drop policy as active', () => {
    expect(codes([source('legacy', 'iptables', [legacyFilter([], 'drop')]), source('nft', 'nft', [nftInput])])).toEqual(['legacy warning SRC2002']);
  });

  it('places built-in chains of an iptables table on their hook even without a base chain spec', () => {
    const bare = table('ip', 'filter', [chain('INPUT', [rule([drop])])], { origin: 'iptables-legacy' });
    expect(codes([source('legacy', 'iptables', [bare]), source('nft', 'nft', [nftInput])])).toEqual(['legacy warning SRC2002']);
  });

  it('warns at the marker of iptables-nft-save when legacy tables exist but are not in the workspace', () => {
    const text = '# Generated by iptables-nft-save v1.8.9 (nf_tables) on Mon Nov 23 11:01:08 2026\n# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n*filter\n';
    const nftSide = { ...iptablesNftFilter, origin: 'iptables-nft' as const };
    const diagnostics = checkWorkspace({ sources: [source('save', 'iptables', [nftSide], text)] });
    expect(diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)])).toEqual([
      ['SRC2003', '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them'],
    ]);
    expect(diagnostics[0]?.message).toContain('ip input');
  });
});

describe('checkWorkspace: missing chains', () => {
  it('warns about jump and goto to chains the table does not have, with a suggestion', () => {
    const t = table('ip', 'k8s', [
      chain('PREROUTING', [rule([jump('KUBE-SERVICE', 100)]), rule([gotoChain('nowhere')]), rule([jump('KUBE-SERVICES')])], { hook: 'prerouting', priority: -100, type: 'nat' }),
      chain('KUBE-SERVICES', [rule([{ kind: 'vmap', key: { kind: 'meta', key: 'mark' }, data: { kind: 'set', items: [{ kind: 'mapping', key: { kind: 'value', value: 1 }, data: { kind: 'verdict', verdict: { kind: 'jump', target: 'svc-a' } } }] } }])]),
    ]);
    const diagnostics = checkWorkspace({ sources: [source('nft', 'nft', [t])] });
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['SRC2004', "jump to chain 'KUBE-SERVICE', which table ip k8s does not have; did you mean 'KUBE-SERVICES'?"],
      ['SRC2004', "goto to chain 'nowhere', which table ip k8s does not have"],
      ['SRC2004', "jump to chain 'svc-a', which table ip k8s does not have"],
    ]);
    expect(diagnostics[0]?.range).toEqual({ start: 100, end: 104 });
  });

  it('checks the verdicts of named verdict maps too', () => {
    const vmap: NamedSet = {
      kind: 'map',
      name: 'services',
      key: { kind: 'type', names: ['ipv4_addr'] },
      data: { kind: 'type', names: ['verdict'] },
      elements: [{ kind: 'mapping', key: { kind: 'value', value: '10.0.0.1' }, data: { kind: 'verdict', verdict: { kind: 'goto', target: 'svc-gone' } } }],
    };
    const t = table('ip', 'kube-proxy', [chain('services', [])], { sets: [vmap] });
    expect(checkWorkspace({ sources: [source('nft', 'nft', [t])] }).map((d) => d.message)).toEqual(["goto to chain 'svc-gone', which table ip kube-proxy does not have"]);
  });
});

describe('checkWorkspace: sets nobody defines', () => {
  const ipsetText = 'create KUBE-CLUSTER-IP hash:ip,port family inet\nadd KUBE-CLUSTER-IP 10.96.0.1,tcp:443\n';
  const ipsetSource = fromParse('ipset', 'ipset', ipsetText, parseIpset(ipsetText));
  const kubeRule = (set: string) =>
    rule([{ kind: 'xt', type: 'match', name: 'set', options: { name: { value: set }, flags: { value: ['dst', 'dst'] } }, text: `-m set --match-set ${set} dst,dst`, range: { start: 60, end: 85 } }, jump('KUBE-MARK-MASQ')], {
      xt: { args: ['-m', 'set', '--match-set', set, 'dst,dst', '-j', 'KUBE-MARK-MASQ'] },
      range: { start: 50, end: 90 },
    });
  const iptablesNat = (set: string) =>
    table('ip', 'nat', [chain('KUBE-SERVICES', [kubeRule(set)]), chain('KUBE-MARK-MASQ', [])], { origin: 'iptables-legacy' });

  it('finds the ipsets that iptables -m set names in the ipset source', () => {
    expect(codes([source('ipt', 'iptables', [iptablesNat('KUBE-CLUSTER-IP')]), ipsetSource])).toEqual([]);
  });

  it('warns once per use about an ipset no source defines, at the -m set that names it', () => {
    const diagnostics = checkWorkspace({ sources: [source('ipt', 'iptables', [iptablesNat('KUBE-NODE-PORT-TCP')]), ipsetSource] });
    expect(diagnostics.map((d) => [d.sourceId, d.code, d.message, d.range])).toEqual([
      ['ipt', 'SRC2006', "ipset 'KUBE-NODE-PORT-TCP' is used here but no ipset source defines it", { start: 60, end: 85 }],
    ]);
    const alone = checkWorkspace({ sources: [source('ipt', 'iptables', [iptablesNat('KUBE-CLUSTER-IP')])] });
    expect(alone.map((d) => d.message)).toEqual(["ipset 'KUBE-CLUSTER-IP' is used here but no source defines it: add the output of 'ipset save'"]);
  });

  it('reads the sets of parsed -m set matches and -j SET targets, each once', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n-A INPUT -m set ! --match-set seen src -j SET --add-set seen src --del-set gone dst\nCOMMIT\n';
    const parsed = fromParse('ipt', 'iptables', text, parseIptables(text));
    const diagnostics = checkWorkspace({ sources: [parsed, ipsetSource] });
    expect(diagnostics.map((d) => [d.message, text.slice(d.range!.start, d.range!.end)])).toEqual([
      ["ipset 'seen' is used here but no ipset source defines it", '-m set ! --match-set seen src'],
      ["ipset 'seen' is used here but no ipset source defines it", '-j SET --add-set seen src --del-set gone dst'],
      ["ipset 'gone' is used here but no ipset source defines it", '-j SET --add-set seen src --del-set gone dst'],
    ]);
  });

  it('reads -m set from the rule arguments when the parser kept no xt node, and resolves @set of iptables rules as ipsets', () => {
    const argsOnly = table('ip', 'filter', [chain('INPUT', [rule([drop], { xt: { args: ['-m', 'set', '--match-set', 'blocked', 'src', '-j', 'DROP'] } }), rule([matchSet('KUBE-CLUSTER-IP'), accept])], { hook: 'input', priority: 0 })], { origin: 'iptables-nft' });
    expect(checkWorkspace({ sources: [source('ipt', 'iptables', [argsOnly]), ipsetSource] }).map((d) => d.message)).toEqual([
      "ipset 'blocked' is used here but no ipset source defines it",
    ]);
  });

  it('resolves nft @set references within their own table only', () => {
    const blocklist: NamedSet = { kind: 'set', name: 'blocklist', key: { kind: 'type', names: ['ipv4_addr'] }, elements: [] };
    const addToSet: Stmt = { kind: 'set', op: 'add', set: '@seen', elem: { kind: 'payload', protocol: 'ip', field: 'saddr' } as Expr };
    const t = table('inet', 'fw', [chain('input', [rule([matchSet('blocklist'), drop]), rule([matchSet('blocklst'), drop]), rule([addToSet]), rule([matchSet('KUBE-CLUSTER-IP')])], { hook: 'input', priority: 0 })], { sets: [blocklist] });
    expect(checkWorkspace({ sources: [source('nft', 'nft', [t]), ipsetSource] }).map((d) => d.message)).toEqual([
      "set @blocklst is not defined in table inet fw; did you mean 'blocklist'?",
      'set @seen is not defined in table inet fw',
      'set @KUBE-CLUSTER-IP is not defined in table inet fw',
    ]);
  });
});

describe('checkWorkspaceFacts: the per-source walk and the merge', () => {
  const ipsetText = 'create KUBE-CLUSTER-IP hash:ip,port family inet\n';
  const ipsetSource = fromParse('ipset', 'ipset', ipsetText, parseIpset(ipsetText));
  const legacy = table('ip', 'filter', [chain('INPUT', [rule([drop])], { hook: 'input', priority: 0 }, { start: 20, end: 40 })], { origin: 'iptables-legacy' });
  const nft = table('inet', 'fw', [chain('input', [rule([accept])], { hook: 'input', priority: 0 })]);
  const ipt = table('ip', 'nat', [chain('KUBE-SERVICES', [rule([jump('KUBE-MISSING')], { xt: { args: ['-m', 'set', '--match-set', 'KUBE-CLUSTER-IP', 'dst'] }, range: { start: 5, end: 9 } })])], { origin: 'iptables-nft' });
  const sources = [source('legacy', 'iptables', [legacy]), source('nft', 'nft', [nft]), source('ipt', 'iptables', [ipt]), ipsetSource];

  it('merging facts that went through JSON gives what checkWorkspace gives', () => {
    const merged = checkWorkspaceFacts(
      sources.map((s) => ({ sourceId: s.source.id, name: s.source.name, facts: JSON.parse(JSON.stringify(collectWorkspaceFacts(s))) as WorkspaceFacts })),
    );
    const direct = checkWorkspace({ sources });
    expect(direct.map((d) => d.code)).toEqual(['SRC2002', 'SRC2004']);
    expect(merged).toEqual(direct);
  });

  it('takes source names at merge time, and resolves ipsets against the sources present then', () => {
    const facts = sources.map((s) => ({ sourceId: s.source.id, name: s.source.name, facts: collectWorkspaceFacts(s) }));
    const renamed = facts.map((f) => (f.sourceId === 'legacy' ? { ...f, name: 'node-1 iptables-legacy-save' } : f));
    expect(checkWorkspaceFacts(renamed)[0]?.message).toContain('iptables-legacy chain ip filter INPUT (node-1 iptables-legacy-save)');
    const withoutIpsets = facts.filter((f) => f.sourceId !== ipsetSource.source.id);
    expect(checkWorkspaceFacts(withoutIpsets).map((d) => d.code)).toEqual(['SRC2002', 'SRC2004', 'SRC2006']);
  });
});
