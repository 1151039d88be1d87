// Test support: reads generated kube-proxy dumps back into "service → endpoint shares", independently of the
// writers, so tests can compare each dump with the generator's ground truth; imports nothing.

/** "ip:port/proto" of a Service port → endpoint "ip:port" → share of new connections. */
export type Distribution = Map<string, Map<string, number>>;

export const serviceKey = (ip: string, port: number | string, proto: string) => `${ip}:${port}/${proto}`;

/** The `*table` section of an iptables-save text as chain → rule specs (text after "-A CHAIN "). */
export function readIptablesTable(text: string, table: string): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  let inTable = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) inTable = line === `*${table}`;
    else if (line === 'COMMIT') inTable = false;
    else if (inTable && line.startsWith(':')) chains.set(line.slice(1).split(' ')[0] ?? '', []);
    else if (inTable && line.startsWith('-A ')) {
      const space = line.indexOf(' ', 3);
      const chain = line.slice(3, space);
      chains.get(chain)?.push(line.slice(space + 1));
    }
  }
  return chains;
}

/**
 * Follows kube-proxy iptables-mode rules: KUBE-SERVICES → KUBE-SVC-* → statistic cascade → KUBE-SEP-* → DNAT.
 * Each `--probability p` rule takes p of what earlier rules left; the last rule takes the rest.
 */
export function iptablesDistribution(text: string): Distribution {
  const nat = readIptablesTable(text, 'nat');
  const out: Distribution = new Map();
  for (const spec of nat.get('KUBE-SERVICES') ?? []) {
    const m = /^-d (\S+)\/32 -p (\w+) .*--comment "[^"]* cluster IP" -m \w+ --dport (\d+) -j (KUBE-SVC-\w+)$/.exec(spec);
    if (!m) continue;
    const [, ip = '', proto = '', port = '', svc = ''] = m;
    const shares = new Map<string, number>();
    let remaining = 1;
    for (const rule of nat.get(svc) ?? []) {
      const target = /-j (\S+)$/.exec(rule)?.[1] ?? '';
      if (!target.startsWith('KUBE-SEP-') || rule.includes('--rcheck')) continue;
      const p = /--probability (\S+)/.exec(rule);
      const share = p ? remaining * Number(p[1]) : remaining;
      remaining -= share;
      const dnat = (nat.get(target) ?? []).map((r) => /--to-destination (\S+)$/.exec(r)?.[1]).find((d) => d !== undefined);
      if (dnat !== undefined) shares.set(dnat, (shares.get(dnat) ?? 0) + share);
      if (!p) break;
    }
    out.set(serviceKey(ip, port, proto), shares);
  }
  return out;
}

/** Chain name → rule lines, and set/map name → element texts, from `nft list ruleset` output. */
export function readNftRuleset(text: string): { chains: Map<string, string[]>; elements: Map<string, string[]> } {
  const chains = new Map<string, string[]>();
  const elements = new Map<string, string[]>();
  let chain: string[] | undefined;
  let set: string | undefined;
  let collecting: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m;
    if ((m = /^chain (\S+) \{$/.exec(line))) {
      chain = [];
      chains.set(m[1] ?? '', chain);
    } else if ((m = /^(?:set|map) (\S+) \{$/.exec(line))) {
      set = m[1];
      chain = undefined;
    } else if (line === '}') {
      chain = undefined;
      set = undefined;
    } else if (set !== undefined && (line.startsWith('elements = {') || collecting)) {
      const body = line.replace(/^elements = \{ ?/, '');
      collecting ??= [];
      const done = body.endsWith('}');
      collecting.push(...body.replace(/ ?\}$/, '').split(/,\s*/).filter((e) => e !== ''));
      if (done) {
        elements.set(set, collecting);
        collecting = undefined;
      }
    } else if (chain && line !== '' && !line.startsWith('type ') && !line.startsWith('comment ')) {
      chain.push(line);
    }
  }
  return { chains, elements };
}

/** Follows kube-proxy nftables-mode rules: @service-ips → service chain → numgen vmap → endpoint chain → dnat. */
export function nftDistribution(text: string): Distribution {
  const { chains, elements } = readNftRuleset(text);
  const out: Distribution = new Map();
  for (const e of elements.get('service-ips') ?? []) {
    const m = /^(\S+) \. (\w+) \. (\d+) : goto (service-\S+)$/.exec(e);
    if (!m) continue;
    const [, ip = '', proto = '', port = '', svc = ''] = m;
    const shares = new Map<string, number>();
    for (const rule of chains.get(svc) ?? []) {
      const ng = /^numgen random mod (\d+) vmap \{ (.*) \}$/.exec(rule);
      if (!ng) continue;
      const n = Number(ng[1]);
      const entries = (ng[2] ?? '').split(', ').map((x) => /^(\d+) : goto (\S+)$/.exec(x));
      // Every residue 0..n-1 must map to an endpoint, or part of the traffic would fall through.
      const indexes = entries.map((x) => Number(x?.[1] ?? -1));
      if (indexes.join() !== Array.from({ length: n }, (_, i) => i).join()) continue;
      for (const x of entries) {
        const dnat = (chains.get(x?.[2] ?? '') ?? []).map((r) => /dnat to (\S+)$/.exec(r)?.[1]).find((d) => d !== undefined);
        if (dnat !== undefined) shares.set(dnat, (shares.get(dnat) ?? 0) + 1 / n);
      }
    }
    out.set(serviceKey(ip, port, proto), shares);
  }
  return out;
}

/** `ipvsadm -Ln`: every virtual server with its real servers; rr over weight-1 servers gives equal shares. */
export function ipvsDistribution(text: string): Distribution {
  const out: Distribution = new Map();
  let current: Map<string, number> | undefined;
  for (const line of text.split('\n')) {
    const vs = /^(TCP|UDP|SCTP)  (\S+):(\d+) (\w+)/.exec(line);
    if (vs) {
      current = new Map();
      out.set(serviceKey(vs[2] ?? '', vs[3] ?? '', (vs[1] ?? '').toLowerCase()), current);
      continue;
    }
    const rs = /^  -> (\S+)\s+(\w+)\s+(\d+)/.exec(line);
    if (rs && current && rs[1] !== 'RemoteAddress:Port') current.set(rs[1] ?? '', 1);
  }
  for (const shares of out.values()) for (const k of shares.keys()) shares.set(k, 1 / shares.size);
  return out;
}
