// The kernel agrees with what the gallery says happens to its packets. Each case builds a small lab of
// network namespaces (veth pairs named like the example's interfaces), loads the example into the host under
// test, sends the packet with a raw socket, and reads counters in observer chains: at priority -500 (it
// arrived), at 1000 on a hook (every base chain before it, nft or xtables, accepted it), or where it lands.
// Everything runs in `unshare -mn` with /run/netns on a private tmpfs, so the namespaces vanish with the
// process, also on failure. Skipped without root or tools; required under CI=true.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { kernelIt } from '../../test/netns.ts';
import { findExample } from './index.ts';

const workDir = mkdtempSync(path.join(tmpdir(), 'nflens-oracle-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

// Raw IPv4 sender (IP_HDRINCL): any source address, one TCP SYN or UDP datagram, no retransmissions.
const SEND_PY = String.raw`
import socket, struct, sys
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
proto, src, dst, first, dport, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
pseudo = lambda n, l4: socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, n, len(l4))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for sport in range(first, first + count):  # one new connection per source port
    if proto == 'tcp':
        num, l4 = 6, struct.pack('!HHIIBBHHH', sport, dport, 1000, 0, 5 << 4, 2, 65535, 0, 0)
        l4 = l4[:16] + struct.pack('!H', csum(pseudo(6, l4) + l4)) + l4[18:]
    else:
        num, l4 = 17, struct.pack('!HHHH', sport, dport, 9, 0) + b'x'
        l4 = l4[:6] + struct.pack('!H', csum(pseudo(17, l4) + l4) or 0xffff) + l4[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 4242, 0, 64, num, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    s.sendto(ip + l4, (dst, 0))
`;

/** A network namespace of the lab: its addresses per interface, extra addresses on lo, routes. */
interface Node {
  readonly name: string;
  readonly addrs?: Readonly<Record<string, readonly string[]>>;
  readonly lo?: readonly string[];
  readonly routes?: readonly string[];
  readonly forward?: boolean;
}

interface Lab {
  readonly nodes: readonly Node[];
  /** veth pairs: [ns, ifname, ns, ifname]. */
  readonly links: ReadonlyArray<readonly [string, string, string, string]>;
  /** Shell lines loading the example into the host under test (files are in the working directory). */
  readonly load: string;
}

/** An observer: a counter in `ns` on `hook` at `priority`, for packets that match `match`. */
interface Observe {
  readonly ns: string;
  readonly hook: 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
  readonly priority: number;
  readonly match: string;
  readonly seen: boolean;
}

interface Case {
  /** Index into the example's packets: the case sends that packet (the test checks the texts agree). */
  readonly packet: number;
  readonly from: string;
  /** `count` packets (default 1) from source ports 40000, 40001, …: each a new connection, so a load-balanced
   *  Service shows all its branches. */
  readonly send: { readonly proto: 'tcp' | 'udp'; readonly saddr: string; readonly daddr: string; readonly dport: number; readonly count?: number };
  readonly observe: readonly Observe[];
}

function script(lab: Lab, c: Case): string {
  const lines = ['mount --make-rprivate /', 'mkdir -p /run/netns', 'mount -t tmpfs nflens-oracle /run/netns'];
  for (const n of lab.nodes) {
    lines.push(`ip netns add ${n.name}`, `ip -n ${n.name} link set lo up`);
    lines.push(`ip netns exec ${n.name} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.ip_forward=${n.forward ? 1 : 0}`);
  }
  for (const [a, ia, b, ib] of lab.links) {
    lines.push(`ip link add ${ia} netns ${a} type veth peer name ${ib} netns ${b}`);
    lines.push(`ip -n ${a} link set ${ia} up`, `ip -n ${b} link set ${ib} up`);
  }
  for (const n of lab.nodes) {
    for (const [dev, addrs] of Object.entries(n.addrs ?? {})) for (const a of addrs) lines.push(`ip -n ${n.name} addr add ${a} dev ${dev}${a.startsWith('224.') ? ' autojoin' : ''}`);
    for (const a of n.lo ?? []) lines.push(`ip -n ${n.name} addr add ${a} dev lo`);
    for (const r of n.routes ?? []) lines.push(`ip -n ${n.name} route add ${r}`);
  }
  lines.push(lab.load);
  c.observe.forEach((o, i) => {
    lines.push(
      `ip netns exec ${o.ns} nft add table inet nflens_obs`,
      `ip netns exec ${o.ns} nft 'add chain inet nflens_obs o${i} { type filter hook ${o.hook} priority ${o.priority}; }'`,
      `ip netns exec ${o.ns} nft 'add rule inet nflens_obs o${i} ${o.match} counter'`,
    );
  });
  const s = c.send;
  lines.push(`ip netns exec ${c.from} ${PYTHON} send.py ${s.proto} ${s.saddr} ${s.daddr} 40000 ${s.dport} ${s.count ?? 1}`, 'sleep 0.15');
  c.observe.forEach((o, i) => lines.push(`echo "o${i} $(ip netns exec ${o.ns} nft list chain inet nflens_obs o${i} | grep -o 'packets [0-9]*')"`));
  return lines.join('\n');
}

function runCase(lab: Lab, c: Case): Map<number, number> {
  writeFileSync(path.join(workDir, 'send.py'), SEND_PY);
  const r = spawnSync('unshare', ['-mn', 'sh', '-c', `set -e\n${script(lab, c)}`], { cwd: workDir, encoding: 'utf8', timeout: 30_000 });
  expect(r.status, `lab script failed: ${r.stderr}`).toBe(0);
  const counts = new Map<number, number>();
  for (const m of r.stdout.matchAll(/^o(\d+) packets (\d+)$/gm)) counts.set(Number(m[1]), Number(m[2]));
  return counts;
}

/** Debian's interpreter directly: a python3 wrapper earlier on PATH can cost ~0.2 s per call. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const arrived = (ns: string, match: string): Observe => ({ ns, hook: 'prerouting', priority: -500, match, seen: true });

// ───────────── labs ─────────────

const ROUTER: Lab = {
  nodes: [
    { name: 'router', forward: true, addrs: { wan0: ['203.0.113.2/24'], lan0: ['192.168.1.1/24'] }, routes: ['default via 203.0.113.1'] },
    { name: 'internet', addrs: { up0: ['203.0.113.1/24'] }, lo: ['198.51.100.7/32', '93.184.215.14/32'] },
    { name: 'lan', addrs: { nic0: ['192.168.1.10/24', '192.168.1.23/24'] }, routes: ['default via 192.168.1.1'] },
  ],
  links: [['router', 'wan0', 'internet', 'up0'], ['router', 'lan0', 'lan', 'nic0']],
  load: 'ip netns exec router nft -f home-router.nft',
};

const DOCKER: Lab = {
  nodes: [
    { name: 'host', forward: true, addrs: { eth0: ['203.0.113.10/24'], docker0: ['172.17.0.1/16'], 'br-5a7e0c1f2b3d': ['172.18.0.1/16'] }, routes: ['default via 203.0.113.1'] },
    { name: 'internet', addrs: { up0: ['203.0.113.1/24'] }, lo: ['198.51.100.20/32', '93.184.215.14/32'] },
    { name: 'web', addrs: { eth0: ['172.17.0.2/16'] }, routes: ['default via 172.17.0.1'] },
    { name: 'db', addrs: { eth0: ['172.18.0.2/16'] }, routes: ['default via 172.18.0.1'] },
  ],
  links: [['host', 'eth0', 'internet', 'up0'], ['host', 'docker0', 'web', 'eth0'], ['host', 'br-5a7e0c1f2b3d', 'db', 'eth0']],
  load: 'ip netns exec host iptables-nft-restore docker.txt',
};

const FIREWALLD: Lab = {
  nodes: [
    { name: 'host', addrs: { eth0: ['192.0.2.10/24'], eth1: ['10.0.0.1/24', '224.0.0.251/32'] }, routes: ['default via 192.0.2.1'] },
    { name: 'public', addrs: { p0: ['192.0.2.1/24'] }, lo: ['198.51.100.30/32'] },
    { name: 'internal', addrs: { i0: ['10.0.0.5/24'] }, routes: ['224.0.0.0/4 dev i0'] },
  ],
  links: [['host', 'eth0', 'public', 'p0'], ['host', 'eth1', 'internal', 'i0']],
  load: 'ip netns exec host nft -f firewalld.nft',
};

const LEGACY: Lab = {
  nodes: [
    { name: 'host', addrs: { eth0: ['192.0.2.20/24'] }, routes: ['default via 192.0.2.1'] },
    { name: 'client', addrs: { c0: ['192.0.2.1/24'] }, lo: ['198.51.100.40/32', '203.0.113.9/32'] },
  ],
  links: [['host', 'eth0', 'client', 'c0']],
  load: 'ip netns exec host nft -f legacy.nft\nip netns exec host iptables-legacy-restore legacy.txt',
};

// kube-proxy node-0: this node's pods behind cni0, the rest of the cluster (other nodes' pods, API servers,
// an outside client) behind eth0. IPVS mode cannot be checked: this kernel has no IPVS.
function kubeLab(load: string): Lab {
  return {
    nodes: [
      {
        name: 'node', forward: true, addrs: { cni0: ['10.244.0.1/24'], eth0: ['172.18.0.2/16'] },
        routes: ['default via 172.18.0.1', '10.244.1.0/24 via 172.18.0.3', '10.244.2.0/24 via 172.18.0.4'],
      },
      { name: 'pods', addrs: { eth0: ['10.244.0.5/24', '10.244.0.180/24', '10.244.0.181/24'] }, routes: ['default via 10.244.0.1'] },
      {
        name: 'cluster', addrs: { c0: ['172.18.0.1/16', '172.18.0.3/16', '172.18.0.4/16'] }, routes: ['default via 172.18.0.2'],
        lo: ['10.244.1.79/32', '10.244.1.81/32', '10.244.2.246/32', '10.244.2.249/32', '203.0.113.5/32'],
      },
    ],
    links: [['node', 'cni0', 'pods', 'eth0'], ['node', 'eth0', 'cluster', 'c0']],
    load,
  };
}

const some = (ns: string, match: string): Observe => arrived(ns, match);
const none = (ns: string, match: string): Observe => ({ ns, hook: 'prerouting', priority: -500, match, seen: false });

/** Both modes: DNS from a pod spreads over the three endpoints unmasqueraded; the outside client reaches all
 *  three image-scheduler endpoints masqueraded. 48 connections each: a missed endpoint has odds 3·(2/3)^48. */
function kubeCases(unknownPort: readonly Observe[]): Case[] {
  return [
    {
      packet: 0, from: 'pods', send: { proto: 'udp', saddr: '10.244.0.5', daddr: '10.96.0.10', dport: 53, count: 48 },
      observe: [
        some('pods', 'ip saddr 10.244.0.5 ip daddr 10.244.0.180 udp dport 53'),
        some('cluster', 'ip saddr 10.244.0.5 ip daddr 10.244.1.79 udp dport 53'),
        some('cluster', 'ip saddr 10.244.0.5 ip daddr 10.244.2.246 udp dport 53'),
        none('cluster', 'ip daddr 10.96.0.10'),
      ],
    },
    {
      packet: 1, from: 'cluster', send: { proto: 'tcp', saddr: '203.0.113.5', daddr: '10.102.16.210', dport: 5000, count: 48 },
      observe: [
        some('pods', 'ip saddr 10.244.0.1 ip daddr 10.244.0.181 tcp dport 5000'),
        some('cluster', 'ip saddr 172.18.0.2 ip daddr 10.244.1.81 tcp dport 5000'),
        some('cluster', 'ip saddr 172.18.0.2 ip daddr 10.244.2.249 tcp dport 5000'),
        none('pods', 'ip saddr 203.0.113.5'),
        none('cluster', 'ip saddr 203.0.113.5'),
      ],
    },
    { packet: 2, from: 'pods', send: { proto: 'tcp', saddr: '10.244.0.5', daddr: '10.96.0.10', dport: 80 }, observe: unknownPort },
  ];
}

const CASES: ReadonlyArray<{ readonly example: string; readonly lab: Lab; readonly files: Readonly<Record<string, number>>; readonly tools: readonly string[]; readonly cases: readonly Case[] }> = [
  {
    example: 'kube-proxy-nftables', lab: kubeLab('ip netns exec node nft -f kube.nft'), files: { 'kube.nft': 0 }, tools: ['nft', 'python3'],
    // cluster-ips-check rejects (nft `reject` = ICMP port unreachable); nothing leaves towards the cluster.
    cases: kubeCases([some('pods', 'icmp type destination-unreachable icmp code port-unreachable'), none('cluster', 'ip daddr 10.96.0.10')]),
  },
  {
    example: 'kube-proxy-iptables', lab: kubeLab('ip netns exec node iptables-nft-restore kube.txt'), files: { 'kube.txt': 0 }, tools: ['iptables-nft-restore', 'nft', 'python3'],
    // Not claimed by any rule: routed on unchanged, and no ICMP comes back.
    cases: kubeCases([some('cluster', 'ip saddr 10.244.0.5 ip daddr 10.96.0.10 tcp dport 80'), none('pods', 'icmp type destination-unreachable')]),
  },
  {
    example: 'home-router', lab: ROUTER, files: { 'home-router.nft': 0 }, tools: ['nft', 'python3'],
    cases: [
      {
        packet: 0, from: 'internet', send: { proto: 'tcp', saddr: '198.51.100.7', daddr: '203.0.113.2', dport: 8080 },
        observe: [arrived('lan', 'ip saddr 198.51.100.7 ip daddr 192.168.1.10 tcp dport 80')],
      },
      {
        packet: 1, from: 'lan', send: { proto: 'tcp', saddr: '192.168.1.23', daddr: '93.184.215.14', dport: 443 },
        observe: [arrived('internet', 'ip saddr 203.0.113.2 ip daddr 93.184.215.14 tcp dport 443')],
      },
      {
        packet: 2, from: 'internet', send: { proto: 'tcp', saddr: '198.51.100.7', daddr: '203.0.113.2', dport: 22 },
        observe: [
          arrived('router', 'iifname "wan0" tcp dport 22'),
          { ns: 'router', hook: 'input', priority: 1000, match: 'tcp dport 22', seen: false },
          { ns: 'internet', hook: 'prerouting', priority: -500, match: 'tcp flags rst', seen: false },
        ],
      },
    ],
  },
  {
    example: 'docker', lab: DOCKER, files: { 'docker.txt': 0 }, tools: ['iptables-nft-restore', 'nft', 'python3'],
    cases: [
      {
        packet: 0, from: 'internet', send: { proto: 'tcp', saddr: '198.51.100.20', daddr: '203.0.113.10', dport: 8080 },
        observe: [arrived('web', 'ip saddr 198.51.100.20 ip daddr 172.17.0.2 tcp dport 80')],
      },
      {
        packet: 1, from: 'web', send: { proto: 'tcp', saddr: '172.17.0.2', daddr: '172.18.0.2', dport: 5432 },
        observe: [
          arrived('host', 'iifname "docker0" tcp dport 5432'),
          { ns: 'db', hook: 'prerouting', priority: -500, match: 'tcp dport 5432', seen: false },
        ],
      },
      {
        packet: 2, from: 'web', send: { proto: 'tcp', saddr: '172.17.0.2', daddr: '93.184.215.14', dport: 443 },
        observe: [arrived('internet', 'ip saddr 203.0.113.10 ip daddr 93.184.215.14 tcp dport 443')],
      },
    ],
  },
  {
    example: 'firewalld', lab: FIREWALLD, files: { 'firewalld.nft': 0 }, tools: ['nft', 'python3'],
    cases: [
      {
        packet: 0, from: 'public', send: { proto: 'tcp', saddr: '198.51.100.30', daddr: '192.0.2.10', dport: 22 },
        observe: [
          { ns: 'host', hook: 'input', priority: 1000, match: 'tcp dport 22', seen: true },
          arrived('public', 'ip saddr 192.0.2.10 tcp flags rst'),
        ],
      },
      {
        packet: 1, from: 'public', send: { proto: 'tcp', saddr: '198.51.100.30', daddr: '192.0.2.10', dport: 445 },
        observe: [
          { ns: 'host', hook: 'input', priority: 1000, match: 'tcp dport 445', seen: false },
          // reject with icmpx admin-prohibited is ICMP destination-unreachable code 13 for IPv4.
          arrived('public', 'icmp type destination-unreachable icmp code admin-prohibited'),
        ],
      },
      {
        packet: 2, from: 'internal', send: { proto: 'udp', saddr: '10.0.0.5', daddr: '224.0.0.251', dport: 5353 },
        observe: [{ ns: 'host', hook: 'input', priority: 1000, match: 'iifname "eth1" udp dport 5353', seen: true }],
      },
    ],
  },
  {
    example: 'legacy-and-nft', lab: LEGACY, files: { 'legacy.nft': 0, 'legacy.txt': 1 }, tools: ['nft', 'iptables-legacy-restore', 'python3'],
    cases: [
      {
        packet: 0, from: 'client', send: { proto: 'tcp', saddr: '198.51.100.40', daddr: '192.0.2.20', dport: 8080 },
        observe: [arrived('host', 'tcp dport 8080'), { ns: 'host', hook: 'input', priority: 1000, match: 'tcp dport 8080', seen: false }],
      },
      {
        packet: 1, from: 'client', send: { proto: 'tcp', saddr: '198.51.100.40', daddr: '192.0.2.20', dport: 22 },
        observe: [{ ns: 'host', hook: 'input', priority: 1000, match: 'tcp dport 22', seen: true }],
      },
      {
        packet: 2, from: 'client', send: { proto: 'tcp', saddr: '203.0.113.9', daddr: '192.0.2.20', dport: 22 },
        observe: [arrived('host', 'ip saddr 203.0.113.9'), { ns: 'host', hook: 'input', priority: 1000, match: 'ip saddr 203.0.113.9', seen: false }],
      },
    ],
  },
];

describe('the kernel does to each packet what the gallery says', () => {
  for (const group of CASES) {
    const example = findExample(group.example)!;
    for (const c of group.cases) {
      const packet = example.packets[c.packet]!;
      kernelIt(`${group.example}: ${packet.text}`, ['ip', ...group.tools], () => {
        // The lab sends exactly the packet the gallery shows.
        const s = c.send;
        for (const part of [`ip saddr ${s.saddr}`, `ip daddr ${s.daddr}`, `${s.proto} dport ${s.dport}`]) expect(packet.text).toContain(part);
        for (const [file, source] of Object.entries(group.files)) writeFileSync(path.join(workDir, file), example.sources[source]!.text);
        const counts = runCase(group.lab, c);
        c.observe.forEach((o, i) => {
          const n = counts.get(i);
          expect(n, `observer ${o.ns} ${o.hook} ${o.priority} "${o.match}" was not read`).toBeTypeOf('number');
          if (o.seen) expect(n, `expected "${o.match}" in ${o.ns} (${o.hook}, priority ${o.priority})`).toBeGreaterThan(0);
          else expect(n, `expected no "${o.match}" in ${o.ns} (${o.hook}, priority ${o.priority})`).toBe(0);
        });
      });
    }
  }
});
