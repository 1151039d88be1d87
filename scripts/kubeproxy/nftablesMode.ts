// kube-proxy nftables mode → the knftables transaction kube-proxy sends on its first full sync, and the
// `nft list ruleset` text (nft 1.0.6) of the table it leaves; imports the cluster model and names only.
//
// Shapes, order and names follow kubernetes pkg/proxy/nftables/proxier.go (setupNFTables, syncProxyRules,
// writeServiceToEndpointRules; the 1.31+ base chains filter-prerouting … filter-output-post-dnat).
// Assumed settings: masquerade bit 14, cluster CIDR local-traffic detection, --nodeport-addresses = the node's
// primary IP (the nftables-mode default), ServiceCIDR 10.96.0.0/12. knftables writes priorities as numbers.
import type { Cluster, ServicePort } from './cluster.ts';
import { nftEndpointChainBase, nftServiceChainBase, servicePortNameString } from './names.ts';
import { cidrContains, ipv4ToInt } from './iptablesMode.ts';

const TABLE = 'ip kube-proxy';
// fmt.Sprintf("%#08x", 1<<14) in Go pads the digits, not the whole string.
const MASQ_MARK = '0x00004000';

type KeyKind = 'ipv4' | 'ip-proto-port' | 'proto-port';

interface NftElement {
  readonly key: string;
  readonly sort: readonly [number, number];
  readonly comment?: string;
  readonly value?: string;
}

interface NftSet {
  readonly kind: 'set' | 'map';
  readonly name: string;
  readonly type: string;
  readonly keyKind: KeyKind;
  readonly comment?: string;
  readonly flags?: string;
  readonly timeoutSeconds?: number;
  elements: NftElement[];
  readonly keys: Set<string>;
}

interface BaseChainSpec {
  readonly type: 'filter' | 'nat';
  readonly hook: 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
  readonly priority: number;
}

interface NftChain {
  readonly name: string;
  readonly base?: BaseChainSpec;
  readonly comment?: string;
  rules: string[];
}

/** A rule as kube-proxy writes it (knftables) and as `nft list ruleset` prints it back. */
interface Rule {
  readonly tx: string;
  readonly printed: string;
}
const same = (text: string): Rule => ({ tx: text, printed: text });

/**
 * Records the transaction text and, alongside, the kernel state it produces: chains and sets in creation
 * order (the kernel appends; a chain deleted and re-added moves to the end), elements as added.
 */
class NftTransaction {
  readonly lines: string[] = [];
  readonly sets = new Map<string, NftSet>();
  readonly chains = new Map<string, NftChain>();
  tableComment = '';

  addTable(comment: string): void {
    this.tableComment = comment;
    this.lines.push(`add table ${TABLE} { comment ${quote(comment)} ; }`);
  }

  addChain(name: string, opts: { base?: BaseChainSpec; comment?: string } = {}): void {
    const spec: string[] = [];
    if (opts.base) spec.push(`type ${opts.base.type} hook ${opts.base.hook} priority ${opts.base.priority} ;`);
    if (opts.comment !== undefined) spec.push(`comment ${quote(opts.comment)} ;`);
    this.lines.push(`add chain ${TABLE} ${name}${spec.length > 0 ? ` { ${spec.join(' ')} }` : ''}`);
    if (!this.chains.has(name)) {
      this.chains.set(name, { name, rules: [], ...(opts.base ? { base: opts.base } : {}), ...(opts.comment !== undefined ? { comment: opts.comment } : {}) });
    }
  }

  deleteChain(name: string): void {
    this.lines.push(`delete chain ${TABLE} ${name}`);
    this.chains.delete(name);
  }

  flushChain(name: string): void {
    this.lines.push(`flush chain ${TABLE} ${name}`);
    const c = this.chains.get(name);
    if (c) c.rules = [];
  }

  /** kube-proxy's ensureChain: create and flush once per transaction. */
  ensureChain(name: string, created: Set<string>): void {
    if (created.has(name)) return;
    created.add(name);
    this.addChain(name);
    this.flushChain(name);
  }

  addRule(chain: string, rule: Rule): void {
    this.lines.push(`add rule ${TABLE} ${chain} ${rule.tx}`);
    this.chains.get(chain)?.rules.push(rule.printed);
  }

  addSet(kind: 'set' | 'map', name: string, type: string, keyKind: KeyKind, opts: { comment?: string; flags?: string; timeoutSeconds?: number } = {}): void {
    const spec = [`type ${type} ;`];
    if (opts.flags !== undefined) spec.push(`flags ${opts.flags} ;`);
    if (opts.timeoutSeconds !== undefined) spec.push(`timeout ${opts.timeoutSeconds}s ;`);
    if (opts.comment !== undefined) spec.push(`comment ${quote(opts.comment)} ;`);
    this.lines.push(`add ${kind} ${TABLE} ${name} { ${spec.join(' ')} }`);
    if (!this.sets.has(name)) {
      this.sets.set(name, {
        kind, name, type, keyKind, elements: [], keys: new Set(),
        ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
        ...(opts.flags !== undefined ? { flags: opts.flags } : {}),
        ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
      });
    }
  }

  flushSet(name: string): void {
    const s = this.sets.get(name);
    this.lines.push(`flush ${s?.kind ?? 'set'} ${TABLE} ${name}`);
    if (s) {
      s.elements = [];
      s.keys.clear();
    }
  }

  /** kube-proxy's nftElementStorage.ensureElem: an element already present is not added again. */
  ensureElement(name: string, key: readonly string[], opts: { value?: string; comment?: string } = {}): void {
    const s = this.sets.get(name);
    if (!s) throw new Error(`no set ${name}`);
    const keyText = key.join(' . ');
    if (s.keys.has(keyText)) return;
    s.keys.add(keyText);
    const commentText = opts.comment !== undefined ? ` comment ${quote(opts.comment)}` : '';
    const valueText = opts.value !== undefined ? ` : ${opts.value}` : '';
    this.lines.push(`add element ${TABLE} ${name} { ${keyText}${commentText}${valueText} }`);
    s.elements.push({
      key: keyText,
      sort: sortKey(s.keyKind, key),
      ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
      ...(opts.value !== undefined ? { value: opts.value } : {}),
    });
  }
}

const BASE_CHAINS: ReadonlyArray<readonly [string, BaseChainSpec]> = [
  // knftables.DNATPriority + "-10" etc., resolved to numbers as knftables writes them.
  ['filter-prerouting', { type: 'filter', hook: 'prerouting', priority: -110 }],
  ['filter-input', { type: 'filter', hook: 'input', priority: -110 }],
  ['filter-forward', { type: 'filter', hook: 'forward', priority: -110 }],
  ['filter-output', { type: 'filter', hook: 'output', priority: -110 }],
  ['filter-output-post-dnat', { type: 'filter', hook: 'output', priority: -90 }],
  ['nat-prerouting', { type: 'nat', hook: 'prerouting', priority: -100 }],
  ['nat-output', { type: 'nat', hook: 'output', priority: -100 }],
  ['nat-postrouting', { type: 'nat', hook: 'postrouting', priority: 100 }],
];

// [destination, source, extra match] in kube-proxy's nftablesJumpChains order.
const JUMP_CHAINS: ReadonlyArray<readonly [string, string, string]> = [
  ['nodeport-endpoints-check', 'filter-input', 'ct state new'],
  ['service-endpoints-check', 'filter-input', 'ct state new'],
  ['service-endpoints-check', 'filter-forward', 'ct state new'],
  ['service-endpoints-check', 'filter-output', 'ct state new'],
  ['firewall-check', 'filter-prerouting', 'ct state new'],
  ['firewall-check', 'filter-output', 'ct state new'],
  ['services', 'nat-output', ''],
  ['services', 'nat-prerouting', ''],
  ['masquerading', 'nat-postrouting', ''],
  ['cluster-ips-check', 'filter-forward', 'ct state new'],
  ['cluster-ips-check', 'filter-output-post-dnat', 'ct state new'],
];

const SERVICE_KEY = 'ipv4_addr . inet_proto . inet_service : verdict';
const NODEPORT_KEY = 'inet_proto . inet_service : verdict';

export interface NftablesDump {
  /** `nft list ruleset` as nft 1.0.6 prints the table after the transaction. */
  readonly ruleset: string;
  /** The knftables transaction (`nft -f` input) of kube-proxy's first full sync. */
  readonly transaction: string;
}

export function buildNftablesMode(cluster: Cluster): NftablesDump {
  const tx = new NftTransaction();
  setupTable(tx, cluster);
  const created = new Set<string>(['nodeport-endpoints-check', 'service-endpoints-check', 'firewall-check', 'services', 'masquerading', 'cluster-ips-check', 'mark-for-masquerade']);
  for (const sp of cluster.servicePorts) writeServicePort(tx, sp, cluster, created);
  return { ruleset: printRuleset(tx), transaction: tx.lines.join('\n') + '\n' };
}

function setupTable(tx: NftTransaction, cluster: Cluster): void {
  tx.addTable('rules for kube-proxy');
  // First sync after start: add+delete every base chain so that changed priorities can be re-created.
  for (const [name] of BASE_CHAINS) {
    tx.addChain(name);
    tx.deleteChain(name);
  }
  for (const [name, base] of BASE_CHAINS) {
    tx.addChain(name, { base });
    tx.flushChain(name);
  }
  const created = new Set<string>();
  for (const [dst, src, extra] of JUMP_CHAINS) {
    tx.ensureChain(dst, created);
    tx.addRule(src, same(`${extra === '' ? '' : extra + ' '}jump ${dst}`));
  }
  for (const c of ['services', 'cluster-ips-check', 'masquerading', 'mark-for-masquerade']) tx.ensureChain(c, created);

  tx.addRule('mark-for-masquerade', { tx: `mark set mark or ${MASQ_MARK}`, printed: `meta mark set meta mark | ${MASQ_MARK}` });
  tx.addRule('masquerading', { tx: `mark and ${MASQ_MARK} == 0 return`, printed: `meta mark & ${MASQ_MARK} == 0x00000000 return` });
  tx.addRule('masquerading', { tx: `mark set mark xor ${MASQ_MARK}`, printed: `meta mark set meta mark ^ ${MASQ_MARK}` });
  tx.addRule('masquerading', same('masquerade fully-random'));

  tx.addSet('set', 'cluster-ips', 'ipv4_addr', 'ipv4', { comment: 'Active ClusterIPs' });
  tx.addRule('cluster-ips-check', same('ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"'));
  tx.addRule('cluster-ips-check', {
    tx: `ip daddr { ${cluster.serviceCIDR} } drop comment "Drop traffic to unallocated ClusterIPs"`,
    printed: `ip daddr ${cluster.serviceCIDR} drop comment "Drop traffic to unallocated ClusterIPs"`,
  });

  tx.addSet('set', 'nodeport-ips', 'ipv4_addr', 'ipv4', { comment: 'IPs that accept NodePort traffic' });
  tx.flushSet('nodeport-ips');
  tx.ensureElement('nodeport-ips', [cluster.nodeIP]);

  tx.addSet('map', 'no-endpoint-services', SERVICE_KEY, 'ip-proto-port', { comment: 'vmap to drop or reject packets to services with no endpoints' });
  tx.addSet('map', 'no-endpoint-nodeports', NODEPORT_KEY, 'proto-port', { comment: 'vmap to drop or reject packets to service nodeports with no endpoints' });
  tx.addChain('reject-chain', { comment: 'helper for @no-endpoint-services / @no-endpoint-nodeports' });
  tx.flushChain('reject-chain');
  tx.addRule('reject-chain', same('reject'));
  tx.addRule('service-endpoints-check', same('ip daddr . meta l4proto . th dport vmap @no-endpoint-services'));
  tx.addRule('nodeport-endpoints-check', same('ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports'));

  tx.addSet('map', 'firewall-ips', SERVICE_KEY, 'ip-proto-port', { comment: 'destinations that are subject to LoadBalancerSourceRanges' });
  tx.addRule('firewall-check', same('ip daddr . meta l4proto . th dport vmap @firewall-ips'));

  tx.addSet('map', 'service-ips', SERVICE_KEY, 'ip-proto-port', { comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic' });
  tx.addSet('map', 'service-nodeports', NODEPORT_KEY, 'proto-port', { comment: 'NodePort traffic' });
  tx.addRule('services', same('ip daddr . meta l4proto . th dport vmap @service-ips'));
  tx.addRule('services', same('ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports'));

  for (const s of ['cluster-ips', 'service-ips', 'firewall-ips', 'no-endpoint-services', 'no-endpoint-nodeports', 'service-nodeports']) tx.flushSet(s);
}

function writeServicePort(tx: NftTransaction, sp: ServicePort, cluster: Cluster, created: Set<string>): void {
  const proto = sp.protocol;
  const name = servicePortNameString(sp);
  const base = nftServiceChainBase(sp, proto);
  const clusterChain = `service-${base}`;
  const localChain = `local-${base}`;
  const externalChain = `external-${base}`;
  const fwChain = `firewall-${base}`;
  const eps = sp.endpoints;
  const local = eps.filter((e) => e.isLocal);
  // Hashing dominates generation time at scale: name each endpoint once.
  const epBases = new Map(eps.map((e) => [e, nftEndpointChainBase(sp, proto, e.ip, e.port)]));
  const epBase = (e: (typeof eps)[number]) => epBases.get(e) ?? '';

  const hasEndpoints = eps.length > 0;
  const usesClusterPolicyChain = hasEndpoints;
  const usesLocalPolicyChain = local.length > 0 && sp.externalPolicyLocal;
  const hasExternalEndpoints = hasEndpoints && (!sp.externalPolicyLocal || local.length > 0);
  const externalPolicyChain = sp.externalPolicyLocal ? localChain : clusterChain;
  const externallyAccessible = sp.nodePort !== undefined || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
  const usesExternalTrafficChain = hasEndpoints && externallyAccessible;
  const externalVerdict = !hasEndpoints ? 'goto reject-chain' : 'drop';
  const port = String(sp.port);

  for (const e of eps) tx.ensureChain(`endpoint-${epBase(e)}`, created);
  if (usesClusterPolicyChain) tx.ensureChain(clusterChain, created);
  if (usesLocalPolicyChain) tx.ensureChain(localChain, created);
  if (usesExternalTrafficChain) tx.ensureChain(externalChain, created);

  tx.ensureElement('cluster-ips', [sp.clusterIP]);
  if (hasEndpoints) {
    tx.ensureElement('service-ips', [sp.clusterIP, proto, port], { value: `goto ${clusterChain}` });
  } else {
    tx.ensureElement('no-endpoint-services', [sp.clusterIP, proto, port], { value: 'goto reject-chain', comment: name });
  }
  for (const ip of sp.externalIPs) {
    if (hasEndpoints) tx.ensureElement('service-ips', [ip, proto, port], { value: `goto ${externalChain}` });
    if (!hasExternalEndpoints) tx.ensureElement('no-endpoint-services', [ip, proto, port], { value: externalVerdict, comment: name });
  }
  const usesFWChain = sp.loadBalancerIPs.length > 0 && sp.sourceRanges.length > 0;
  if (usesFWChain) tx.ensureChain(fwChain, created);
  for (const ip of sp.loadBalancerIPs) {
    if (hasEndpoints) tx.ensureElement('service-ips', [ip, proto, port], { value: `goto ${externalChain}` });
    if (usesFWChain) tx.ensureElement('firewall-ips', [ip, proto, port], { value: `goto ${fwChain}` });
  }
  if (!hasExternalEndpoints) {
    for (const ip of sp.loadBalancerIPs) tx.ensureElement('no-endpoint-services', [ip, proto, port], { value: externalVerdict, comment: name });
  }
  if (sp.nodePort !== undefined) {
    const np = String(sp.nodePort);
    if (hasEndpoints) tx.ensureElement('service-nodeports', [proto, np], { value: `goto ${externalChain}` });
    if (!hasExternalEndpoints) tx.ensureElement('no-endpoint-nodeports', [proto, np], { value: externalVerdict, comment: name });
  }

  if (hasEndpoints) {
    tx.addRule(clusterChain, same(`ip daddr ${sp.clusterIP} ${proto} dport ${sp.port} ip saddr != ${cluster.podCIDR} jump mark-for-masquerade`));
  }
  if (usesExternalTrafficChain) {
    if (!sp.externalPolicyLocal) {
      tx.addRule(externalChain, same('jump mark-for-masquerade'));
    } else {
      tx.addRule(externalChain, same(`ip saddr ${cluster.podCIDR} goto ${clusterChain} comment "short-circuit pod traffic"`));
      tx.addRule(externalChain, same('fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"'));
      tx.addRule(externalChain, same(`fib saddr type local goto ${clusterChain} comment "short-circuit local traffic"`));
    }
    if (hasExternalEndpoints) tx.addRule(externalChain, same(`goto ${externalPolicyChain}`));
  }
  if (usesFWChain) {
    const sources = [...sp.sourceRanges];
    if (sp.sourceRanges.some((c) => cidrContains(c, cluster.nodeIP))) sources.push(...sp.loadBalancerIPs);
    const sorted = [...sources].sort((a, b) => ipv4ToInt(a.split('/')[0] ?? '') - ipv4ToInt(b.split('/')[0] ?? ''));
    tx.addRule(fwChain, {
      tx: `ip saddr != { ${sources.join(' , ')} } drop`,
      printed: sorted.length === 1 ? `ip saddr != ${sorted[0]} drop` : `ip saddr != { ${sorted.join(', ')} } drop`,
    });
  }
  if (sp.affinityTimeout !== undefined) {
    for (const e of eps) {
      tx.addSet('set', `affinity-${epBase(e)}`, 'ipv4_addr', 'ipv4', { flags: 'dynamic,timeout', timeoutSeconds: sp.affinityTimeout });
    }
  }
  const writeDispatch = (chain: string, targets: typeof eps) => {
    if (sp.affinityTimeout !== undefined) {
      for (const e of targets) tx.addRule(chain, same(`ip saddr @affinity-${epBase(e)} goto endpoint-${epBase(e)}`));
    }
    const entries = targets.map((e, i) => `${i} : goto endpoint-${epBase(e)}`);
    tx.addRule(chain, {
      tx: `numgen random mod ${targets.length} vmap { ${entries.join(' , ')} }`,
      printed: `numgen random mod ${targets.length} vmap { ${entries.join(', ')} }`,
    });
  };
  if (usesClusterPolicyChain) writeDispatch(clusterChain, eps);
  if (usesLocalPolicyChain) writeDispatch(localChain, local);

  for (const e of eps) {
    const chain = `endpoint-${epBase(e)}`;
    tx.addRule(chain, same(`ip saddr ${e.ip} jump mark-for-masquerade`));
    if (sp.affinityTimeout !== undefined) tx.addRule(chain, same(`update @affinity-${epBase(e)} { ip saddr }`));
    tx.addRule(chain, same(`meta l4proto ${proto} dnat to ${e.ip}:${e.port}`));
  }
}

// ---- printing as `nft list ruleset` (nftables 1.0.6) ----

/**
 * The order nft lists elements in. nft sorts a set's elements by their key as an integer (mpz) built from
 * the key bytes: big-endian for a plain ipv4_addr key (so numeric order), but host-endian (little-endian on
 * x86/arm64) for concatenations, whose registers are 4-byte aligned: ip(4) | proto,0,0,0 | portHi,portLo,0,0.
 */
function sortKey(kind: KeyKind, key: readonly string[]): [number, number] {
  if (kind === 'ipv4') return [ipv4ToInt(key[0] ?? ''), 0];
  const protoAt = kind === 'ip-proto-port' ? 1 : 0;
  const proto = protoNumber(key[protoAt] ?? '');
  const port = Number(key[protoAt + 1] ?? 0);
  const high = ((port & 0xff) << 16) | ((port >>> 8) << 8) | proto;
  if (kind === 'proto-port') return [high, 0];
  const ip = ipv4ToInt(key[0] ?? '');
  const reversedIp = (((ip & 0xff) << 24) | (((ip >>> 8) & 0xff) << 16) | (((ip >>> 16) & 0xff) << 8) | (ip >>> 24)) >>> 0;
  return [high, reversedIp];
}

function protoNumber(p: string): number {
  return p === 'tcp' ? 6 : p === 'udp' ? 17 : p === 'sctp' ? 132 : 0;
}

/** nft prints a priority by name (± up to 10) when a standard one fits the hook (src/rule.c prio2str). */
export function printPriority(hook: BaseChainSpec['hook'], priority: number): string {
  const standard: Array<[string, number, ReadonlyArray<BaseChainSpec['hook']> | 'all']> = [
    ['raw', -300, 'all'], ['mangle', -150, 'all'], ['dstnat', -100, ['prerouting']],
    ['filter', 0, 'all'], ['security', 50, 'all'], ['srcnat', 100, ['postrouting']],
  ];
  for (const [name, value, hooks] of standard) {
    if (hooks !== 'all' && !hooks.includes(hook)) continue;
    const offset = priority - value;
    if (offset >= -10 && offset <= 10) return offset === 0 ? name : `${name} ${offset < 0 ? '-' : '+'} ${Math.abs(offset)}`;
  }
  return String(priority);
}

const CONTINUATION = ',\n\t\t\t     ';

function printRuleset(tx: NftTransaction): string {
  const blocks: string[] = [];
  for (const s of tx.sets.values()) blocks.push(printSet(s));
  for (const c of tx.chains.values()) blocks.push(printChain(c));
  return `table ${TABLE} {\n\tcomment ${quote(tx.tableComment)}\n${blocks.join('\n')}}\n`;
}

function printSet(s: NftSet): string {
  const out = [`\t${s.kind} ${s.name} {`, `\t\ttype ${s.type}`];
  // A dynamic set without an explicit size gets the kernel default, which nft prints.
  if (s.flags?.includes('dynamic')) out.push('\t\tsize 65535');
  if (s.flags !== undefined) out.push(`\t\tflags ${s.flags}`);
  if (s.timeoutSeconds !== undefined) out.push(`\t\ttimeout ${printDuration(s.timeoutSeconds)}`);
  if (s.comment !== undefined) out.push(`\t\tcomment ${quote(s.comment)}`);
  if (s.elements.length > 0) {
    const sorted = [...s.elements].sort((a, b) => a.sort[0] - b.sort[0] || a.sort[1] - b.sort[1]);
    const perLine = s.keyKind === 'ipv4' ? 2 : 1;
    let text = '';
    sorted.forEach((e, i) => {
      if (i > 0) text += i % perLine === 0 ? CONTINUATION : ', ';
      text += e.key;
      if (e.comment !== undefined) text += ` comment ${quote(e.comment)}`;
      if (e.value !== undefined) text += ` : ${e.value}`;
    });
    out.push(`\t\telements = { ${text} }`);
  }
  out.push('\t}');
  return out.join('\n') + '\n';
}

function printChain(c: NftChain): string {
  const out = [`\tchain ${c.name} {`];
  if (c.comment !== undefined) out.push(`\t\tcomment ${quote(c.comment)}`);
  if (c.base) out.push(`\t\ttype ${c.base.type} hook ${c.base.hook} priority ${printPriority(c.base.hook, c.base.priority)}; policy accept;`);
  for (const r of c.rules) out.push(`\t\t${r}`);
  out.push('\t}');
  return out.join('\n') + '\n';
}

/** nft prints durations as d/h/m/s components ("3h", "1h30m"). */
function printDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}

function quote(text: string): string {
  return `"${text}"`;
}
