// The real tools accept the generated dumps and print them back unchanged: nft, iptables-nft/legacy-restore,
// ipset, each run inside a private network namespace (unshare -n) so the host's rules are never touched.
// Skipped with a reason where the tools or root are missing, except under CI=true, where that is a failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKubeProxy, type GenerateResult, type KubeProxyMode } from './generate.ts';
import { NFACCT_COUNTERS } from './iptablesMode.ts';

const CI = process.env.CI === 'true';

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** Why this machine cannot run a check, or undefined when it can ("a|b": either command will do). */
function missing(...commands: string[]): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (unshare -n and netfilter need CAP_NET_ADMIN)';
  const absent = ['unshare', ...commands].filter((c) => !c.split('|').some(hasCommand));
  return absent.length > 0 ? `missing ${absent.join(', ')}` : undefined;
}

/** A test that runs when the machine can, is skipped (with the reason in its name) when not, and fails on CI. */
function kernelIt(name: string, commands: string[], fn: () => void): void {
  const reason = missing(...commands);
  if (reason !== undefined && !CI) {
    it.skip(`${name} (skipped: ${reason})`, fn);
    return;
  }
  it(name, () => {
    if (reason !== undefined) throw new Error(`CI=true but cannot run: ${reason}`);
    fn();
  });
}

const workDir = mkdtempSync(path.join(tmpdir(), 'nflens-kubegen-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs a shell script in a fresh network namespace, in workDir. */
function inNetns(script: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('unshare', ['-n', 'sh', '-c', `set -e\n${script}`], { cwd: workDir, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function writeFiles(result: GenerateResult, prefix: string): void {
  for (const f of result.files) writeFileSync(path.join(workDir, `${prefix}-${f.name}`), f.text);
}

const generate = (mode: KubeProxyMode, services: number, endpointsPerService: number, seed: number) =>
  generateKubeProxy({ mode, services, endpointsPerService, seed });
const text = (r: GenerateResult, name: string) => r.files.find((f) => f.name === name)?.text ?? '';
const withoutComments = (t: string) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n');
/** iptables-legacy-save orders tables by module load; compare the table blocks as a set. */
const tableBlocks = (t: string) => withoutComments(t).split(/(?=^\*)/m).map((b) => b.trim()).filter((b) => b !== '').sort();
const backends = () => ['iptables-nft', 'iptables-legacy'].filter((b) => hasCommand(`${b}-restore`));

// kube-proxy 1.29+ counts some drops and accepts with nfacct objects; a rule naming one is only accepted once
// it exists. nfacct(8) is rarely installed, so create them over nfnetlink (NFNL_SUBSYS_ACCT, ACCT_NEW).
const NFACCT_ADD_PY = `
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
s.bind((0, 0))
for seq, name in enumerate(sys.argv[1:], 1):
    data = name.encode() + b"\\0"
    attr = struct.pack("=HH", 4 + len(data), 1) + data  # NFACCT_NAME
    attr += b"\\0" * (-len(attr) % 4)
    payload = struct.pack("=BBH", 0, 0, 0) + attr  # nfgenmsg
    s.send(struct.pack("=IHHII", 16 + len(payload), (7 << 8) | 0, 1 | 4 | 0x400, seq, 0) + payload)
    if struct.unpack("=i", s.recv(4096)[16:20])[0] != 0:
        sys.exit("cannot create nfacct " + name)
`;

describe('iptables mode in the kernel', () => {
  for (const [services, endpoints, seed, nfacct] of [[20, 3, 1, false], [150, 8, 2, false], [40, 3, 5, true]] as const) {
    const needs = ['iptables-nft-restore|iptables-legacy-restore', ...(nfacct ? ['python3'] : [])];
    const label = `${services}×${endpoints}${nfacct ? ' with nfacct counters' : ''}`;
    kernelIt(`${label}: iptables-restore --test accepts it and save prints it back byte for byte`, needs, () => {
      const r = generateKubeProxy({ mode: 'iptables', services, endpointsPerService: endpoints, seed, nfacct });
      const prefix = `ipt-${services}-${nfacct}`;
      writeFiles(r, prefix);
      writeFileSync(path.join(workDir, 'nfacct_add.py'), NFACCT_ADD_PY);
      const setup = nfacct ? `python3 nfacct_add.py ${NFACCT_COUNTERS.join(' ')}\n` : '';
      const file = `${prefix}-iptables-save.txt`;
      const used = backends();
      expect(used.length).toBeGreaterThan(0);
      if (nfacct) expect(text(r, 'iptables-save.txt')).toContain('localhost_nps_accepted_pkts');
      for (const b of used) {
        const test = inNetns(`${setup}${b}-restore --test < ${file}`);
        expect(test.stderr, `${b}-restore --test`).toBe('');
        expect(test.status).toBe(0);
        const roundTrip = inNetns(`${setup}${b}-restore < ${file}\n${b}-save`);
        expect(roundTrip.status, roundTrip.stderr).toBe(0);
        if (b === 'iptables-nft') expect(withoutComments(roundTrip.stdout)).toBe(withoutComments(text(r, 'iptables-save.txt')));
        else expect(tableBlocks(roundTrip.stdout)).toEqual(tableBlocks(text(r, 'iptables-save.txt')));
      }
    });
  }
});

describe('nftables mode in the kernel', () => {
  for (const [services, endpoints, seed] of [[20, 3, 1], [200, 4, 9]] as const) {
    kernelIt(`${services}×${endpoints}: nft -c accepts both forms; loading the transaction lists exactly the printed ruleset`, ['nft'], () => {
      const r = generate('nftables', services, endpoints, seed);
      const prefix = `nft-${services}`;
      writeFiles(r, prefix);
      const ruleset = `${prefix}-nft-list-ruleset.nft`;
      const transaction = `${prefix}-nft-transaction.nft`;
      for (const f of [ruleset, transaction]) {
        const check = inNetns(`nft -c -f ${f}`);
        expect(check.stderr, `nft -c -f ${f}`).toBe('');
        expect(check.status).toBe(0);
      }
      const fromTransaction = inNetns(`nft -f ${transaction}\nnft list ruleset`);
      expect(fromTransaction.stderr).toBe('');
      expect(fromTransaction.stdout).toBe(text(r, 'nft-list-ruleset.nft'));
      const fromPrinted = inNetns(`nft -f ${ruleset}\nnft list ruleset`);
      expect(fromPrinted.stdout).toBe(text(r, 'nft-list-ruleset.nft'));
    });
  }
});

describe('ipvs mode in the kernel', () => {
  kernelIt('ipset restore takes the sets; iptables-restore --test then takes the rules; both save back unchanged', ['ipset', 'iptables-nft-restore'], () => {
    const r = generate('ipvs', 300, 3, 4);
    writeFiles(r, 'ipvs');
    const rules = text(r, 'iptables-save.txt');
    // Kernels without IPVS (like CI containers) lack xt_ipvs; those rules are then left out of the kernel check.
    const probe = inNetns("printf '*filter\\n:P - [0:0]\\n-A P -m ipvs --vproto 6 -j ACCEPT\\nCOMMIT\\n' | iptables-nft-restore");
    const ipvsRules = rules.split('\n').filter((l) => l.includes(' -m ipvs '));
    expect(ipvsRules.length).toBeGreaterThan(0);
    const checked = probe.status === 0 && probe.stderr === '' ? rules : rules.split('\n').filter((l) => !l.includes(' -m ipvs ')).join('\n');
    writeFileSync(path.join(workDir, 'ipvs-checked-iptables.txt'), checked);

    const ipsets = inNetns('ipset restore < ipvs-ipset-save.txt\nipset save');
    expect(ipsets.stderr).toBe('');
    expect(ipsets.stdout.split('\n').sort()).toEqual(text(r, 'ipset-save.txt').split('\n').sort());

    for (const b of backends()) {
      const test = inNetns(`ipset restore < ipvs-ipset-save.txt\n${b}-restore --test < ipvs-checked-iptables.txt`);
      expect(test.stderr, `${b}-restore --test`).toBe('');
      expect(test.status).toBe(0);
    }
    const roundTrip = inNetns('ipset restore < ipvs-ipset-save.txt\niptables-nft-restore < ipvs-checked-iptables.txt\niptables-nft-save');
    expect(roundTrip.status, roundTrip.stderr).toBe(0);
    expect(withoutComments(roundTrip.stdout)).toBe(withoutComments(checked));
  });
});
