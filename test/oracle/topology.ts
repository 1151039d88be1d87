// Kernel-oracle topology: creates, configures and removes the test namespaces (never touching the root
// namespace), and sweeps stale ones left by dead runs. Node-only; imports nothing from src/.
//
//   client ns  nso-c0 198.51.100.1/24 ──veth── nso-h0 198.51.100.2/24  host ns  nso-h1 203.0.113.1/24 ──veth── nso-s0 203.0.113.2/24  server ns
//   (AnyIP: rest of 198.51.100.0/24)           lo: 127.0.0.1, 192.0.2.10/32                                  (AnyIP: all of 203.0.113.0/24)
//   2001:db8:1::1/64                   2001:db8:1::2/64   lo: ::1, 2001:db8:ff::10/128   2001:db8:2::1/64          2001:db8:2::2/64
//
// - Remote test packets are Ethernet frames sent by the client agent from TEST_SRC_MAC, so they arrive on
//   nso-h0 like packets from a router (any saddr/daddr). The client owns all of 198.51.100.0/24 (AnyIP) and
//   the server all of 203.0.113.0/24, so the host's neighbour resolution never fails: a failure would make the
//   host send an ICMP host-unreachable seconds later, through whatever ruleset is loaded by then.
// - The host has no default route: a daddr outside 198.51.100.0/24, 203.0.113.0/24 and its local addresses is
//   unroutable. With `forward: true` (net.ipv4.ip_forward=1) packets to 203.0.113.0/24 are forwarded out
//   nso-h1 to the server (which answers ARP for the whole /24), and packets to other 198.51.100.0/24
//   addresses hairpin back out nso-h0. With forwarding off, any non-local daddr dies after prerouting.
// - The client and the server drop every packet they receive (table inet nflens_sink): no reply, RST or ICMP
//   error ever comes back asynchronously to disturb conntrack or the trace. Only the host answers (its own
//   RSTs/ICMP errors, untraced), synchronously while it processes the packet.
// - rp_filter is 0 everywhere (new namespaces inherit init_net's IPv4 defaults, so it is set explicitly, also
//   per device); ICMP redirects are off on the host.
// - IPv6 is quiet: the namespaces' defaults are set before the veths exist (no link-local address, no DAD, no
//   router solicitations, no RAs accepted), so an interface never sends anything by itself. Neighbour
//   discovery cannot work through the sink (it drops NS like everything else), so the host reaches each /64
//   through a gateway route whose next hop has a permanent neighbour entry (the peer's MAC): every address of
//   the /64 "resolves" without a packet, the v6 counterpart of the AnyIP + ARP trick. The host's addresses
//   are `noprefixroute` (the gateway route replaces the on-link one). `forward` sets
//   net.ipv6.conf.all.forwarding along with net.ipv4.ip_forward.
// - Veth ends are created directly inside the namespaces: nothing ever appears in the root namespace, and
//   interface names only have to be unique per namespace, so parallel sessions reuse the same names.
import { execFile, spawnSync } from 'node:child_process';
import { threadId } from 'node:worker_threads';

export const CLIENT_IF = 'nso-c0';
export const HOST_IF = 'nso-h0';
export const HOST_SERVER_IF = 'nso-h1';
export const SERVER_IF = 'nso-s0';
export const CLIENT_ADDR = '198.51.100.1';
export const HOST_ADDR = '198.51.100.2';
export const HOST_LO_ADDR = '192.0.2.10';
export const HOST_SERVER_ADDR = '203.0.113.1';
export const SERVER_ADDR = '203.0.113.2';
export const CLIENT_NET = '198.51.100.0/24';
export const SERVER_NET = '203.0.113.0/24';
export const CLIENT_ADDR6 = '2001:db8:1::1';
export const HOST_ADDR6 = '2001:db8:1::2';
export const HOST_LO_ADDR6 = '2001:db8:ff::10';
export const HOST_SERVER_ADDR6 = '2001:db8:2::1';
export const SERVER_ADDR6 = '2001:db8:2::2';
export const CLIENT_NET6 = '2001:db8:1::/64';
export const SERVER_NET6 = '2001:db8:2::/64';
export const CLIENT_MAC = '02:6e:66:6c:00:c0';
export const HOST_MAC = '02:6e:66:6c:00:a0';
export const HOST_SERVER_MAC = '02:6e:66:6c:00:a1';
export const SERVER_MAC = '02:6e:66:6c:00:b0';
/** Source MAC of every remote test frame; the tracer traces only frames carrying it. */
export const TEST_SRC_MAC = '02:6e:66:6c:65:01';
/** fsgid of the host agent's sending socket; the tracer traces only locally generated packets from it.
 * Keep in sync with nsAgent.py. */
export const LOCAL_TRACE_GID = 29457;

export const NS_PREFIX = 'nflens-';
/** Drop-everything table of the client and server namespaces. */
export const SINK_TABLE = 'nflens_sink';

export interface Namespaces {
  client: string;
  host: string;
  server: string;
}

let sequence = 0;

/** Unique per process, worker thread and session: parallel vitest files never collide. The pid comes first so
 * a later run can tell whether the owner is still alive. */
export function newNamespaceNames(): Namespaces {
  const base = `${NS_PREFIX}${process.pid}-${threadId}-${++sequence}`;
  return { client: `${base}-c`, host: `${base}-h`, server: `${base}-s` };
}

export function run(cmd: string, args: readonly string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function must(cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

const live = new Set<string>();
let exitHookInstalled = false;

/** Creates the three namespaces and their links. On failure, whatever was created is removed. */
export async function createTopology(ns: Namespaces): Promise<void> {
  installExitHook();
  for (const name of [ns.client, ns.host, ns.server]) live.add(name);
  try {
    await must('ip', ['-batch', '-'], [`netns add ${ns.client}`, `netns add ${ns.host}`, `netns add ${ns.server}`, ''].join('\n'));
    // IPv6 defaults before any veth exists (a device copies its namespace's defaults when it is created): no
    // link-local address (addr_gen_mode 1), no DAD, no router solicitation, no RA, so no interface ever
    // sends a packet of its own (an MLD report or an RS would cross the host's ruleset)
    const v6quiet = (scope: string) => [
      `net.ipv6.conf.${scope}.disable_ipv6=0`, `net.ipv6.conf.${scope}.addr_gen_mode=1`, `net.ipv6.conf.${scope}.accept_dad=0`,
      `net.ipv6.conf.${scope}.dad_transmits=0`, `net.ipv6.conf.${scope}.router_solicitations=0`, `net.ipv6.conf.${scope}.accept_ra=0`,
    ];
    await Promise.all([ns.client, ns.host, ns.server].map((name) => must('ip', ['netns', 'exec', name, 'sysctl', '-qw', ...v6quiet('default'), ...v6quiet('all')])));
    await must('ip', ['-batch', '-'], [
      `link add ${CLIENT_IF} netns ${ns.client} address ${CLIENT_MAC} type veth peer name ${HOST_IF} netns ${ns.host} address ${HOST_MAC}`,
      `link add ${HOST_SERVER_IF} netns ${ns.host} address ${HOST_SERVER_MAC} type veth peer name ${SERVER_IF} netns ${ns.server} address ${SERVER_MAC}`,
      '',
    ].join('\n'));
    const perNs: [string, string[]][] = [
      // AnyIP for the whole /24: the client answers ARP for every 198.51.100.x the host forwards or sends to, so
      // no neighbour resolution fails and no delayed ICMP host-unreachable wanders through a later ruleset
      [ns.client, [
        'link set lo up', `link set ${CLIENT_IF} up`, `addr add ${CLIENT_ADDR}/24 dev ${CLIENT_IF}`, `route add local ${CLIENT_NET} dev lo`,
        `addr add ${CLIENT_ADDR6}/64 dev ${CLIENT_IF} nodad`,
      ]],
      [ns.host, [
        'link set lo up', `link set ${HOST_IF} up`, `link set ${HOST_SERVER_IF} up`,
        `addr add ${HOST_ADDR}/24 dev ${HOST_IF}`, `addr add ${HOST_LO_ADDR}/32 dev lo`, `addr add ${HOST_SERVER_ADDR}/24 dev ${HOST_SERVER_IF}`,
        `addr add ${HOST_ADDR6}/64 dev ${HOST_IF} nodad noprefixroute`, `addr add ${HOST_LO_ADDR6}/128 dev lo nodad`,
        `addr add ${HOST_SERVER_ADDR6}/64 dev ${HOST_SERVER_IF} nodad noprefixroute`,
        // every address of each /64 goes to the peer's MAC without neighbour discovery (see the header)
        `neigh add ${CLIENT_ADDR6} lladdr ${CLIENT_MAC} dev ${HOST_IF} nud permanent`,
        `neigh add ${SERVER_ADDR6} lladdr ${SERVER_MAC} dev ${HOST_SERVER_IF} nud permanent`,
        `route add ${CLIENT_NET6} via ${CLIENT_ADDR6} dev ${HOST_IF} onlink`,
        `route add ${SERVER_NET6} via ${SERVER_ADDR6} dev ${HOST_SERVER_IF} onlink`,
      ]],
      [ns.server, [
        'link set lo up', `link set ${SERVER_IF} up`, `addr add ${SERVER_ADDR}/24 dev ${SERVER_IF}`,
        `route add local ${SERVER_NET} dev lo`, `route add default via ${HOST_SERVER_ADDR}`,
        `addr add ${SERVER_ADDR6}/64 dev ${SERVER_IF} nodad`,
      ]],
    ];
    await Promise.all(perNs.map(([name, cmds]) => must('ip', ['-n', name, '-batch', '-'], cmds.join('\n') + '\n')));
    const common = [
      'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0',
    ];
    // the client and the server swallow everything they receive, so nothing answers asynchronously: a late
    // reply to a forwarded packet would otherwise reach the host after the chunk marker and create a conntrack
    // entry that the next batch's packets could meet (ARP is not an inet-family packet and still works)
    const sink = `table inet ${SINK_TABLE} {\n  chain in {\n    type filter hook prerouting priority -500; policy drop;\n  }\n}\n`;
    await Promise.all([
      must('ip', ['netns', 'exec', ns.client, 'nft', '-f', '-'], sink),
      must('ip', ['netns', 'exec', ns.server, 'nft', '-f', '-'], sink),
      must('ip', ['netns', 'exec', ns.client, 'sysctl', '-qw', ...common, `net.ipv4.conf.${CLIENT_IF}.rp_filter=0`]),
      must('ip', ['netns', 'exec', ns.host, 'sysctl', '-qw', ...common, `net.ipv4.conf.${HOST_IF}.rp_filter=0`,
        `net.ipv4.conf.${HOST_SERVER_IF}.rp_filter=0`, 'net.ipv4.conf.all.send_redirects=0',
        `net.ipv4.conf.${HOST_IF}.send_redirects=0`, 'net.ipv4.ip_forward=0', 'net.ipv6.conf.all.forwarding=0']),
      must('ip', ['netns', 'exec', ns.server, 'sysctl', '-qw', ...common, `net.ipv4.conf.${SERVER_IF}.rp_filter=0`]),
    ]);
  } catch (e) {
    await destroyTopology(ns);
    throw e;
  }
}

/** Removes the namespaces (processes still inside keep theirs alive until they exit: stop them first). */
export async function destroyTopology(ns: Namespaces): Promise<void> {
  for (const name of [ns.client, ns.host, ns.server]) {
    await run('ip', ['netns', 'del', name]);
    live.delete(name);
  }
}

/** Deletes `nflens-<pid>-…` namespaces whose creating process is gone (a crashed or killed earlier run). */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  const removed: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^nflens-(\d+)-/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    await run('ip', ['netns', 'del', name]);
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Last resort when the process exits without closing its sessions (the agents and the monitor die with their
 * parent: see nsAgent.py --exec). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const name of live) spawnSync('ip', ['netns', 'del', name]);
  });
}
