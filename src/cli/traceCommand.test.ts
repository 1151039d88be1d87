// `nflens trace`: usage errors (exit 2), parse errors reported and the trace still run (exit 0), output shapes.
import { describe, expect, it } from 'vitest';
import { main, type Io } from './main.ts';

function cli(argv: string[], files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readFile: (p) => {
      if (!(p in files)) throw new Error('no such file');
      return files[p]!;
    },
  };
  const code = main(argv, io);
  return { code, out, err };
}

const FILES = { 'r.nft': 'table inet t {\n}\n' };
const PACKET = 'iif eth0 ip saddr 10.0.0.5 ip daddr 10.0.0.1 tcp dport 22';

describe('nflens trace', () => {
  it('needs --packet and a file', () => {
    expect(cli(['trace', 'r.nft'], FILES).code).toBe(2);
    expect(cli(['trace', '--packet', PACKET], FILES).code).toBe(2);
    expect(cli(['trace', 'missing.nft', '--packet', PACKET], FILES)).toMatchObject({ code: 2 });
  });

  it('a bad packet is a usage error pointing at the token', () => {
    const r = cli(['trace', 'r.nft', '--packet', 'ip saddr 1.2.3 tcp dport 22'], FILES);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\^\^\^\^\^ ip saddr: "1\.2\.3" is not an IPv4 address \[PKT003\]/);
  });

  it('bad options are usage errors', () => {
    expect(cli(['trace', 'r.nft', '--packet', PACKET, '--host', 'eth0=nonsense'], FILES).code).toBe(2);
    expect(cli(['trace', 'r.nft', '--packet', PACKET, '--branch', 'x'], FILES).code).toBe(2);
    expect(cli(['trace', 'r.nft', '--packet', PACKET, '--branch', '0', '--all-branches'], FILES).code).toBe(2);
    expect(cli(['trace', 'r.nft', '--packet', PACKET, '--json', '--monitor'], FILES).code).toBe(2);
  });

  it('completes the trace (exit 0) and prints the fate', () => {
    const r = cli(['trace', 'r.nft', '--packet', PACKET], FILES);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^fate: accept at input: delivered locally to 10\.0\.0\.1 tcp port 22 \(delivered\)$/m);
  });

  it('--json has the documented shape', () => {
    const r = cli(['trace', 'r.nft', '--packet', PACKET, '--json'], FILES);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['fate', 'steps', 'packet', 'finalPacket', 'probability', 'choices', 'assumptions', 'notes']);
    expect(j.fate).toEqual({ verdict: 'accept', where: 'input', reason: 'delivered locally to 10.0.0.1 tcp port 22', kind: 'delivered' });
  });

  it('--all-branches --json gives a tree and its leaves; --kernel gives the projection', () => {
    const t = JSON.parse(cli(['trace', 'r.nft', '--packet', PACKET, '--all-branches', '--json'], FILES).out);
    expect(t.leaves).toHaveLength(1);
    expect(t.tree.leaf.fate.kind).toBe('delivered');
    const k = JSON.parse(cli(['trace', 'r.nft', '--packet', PACKET, '--kernel'], FILES).out);
    expect(k).toMatchObject({ steps: [], fate: { verdict: 'accept' } });
  });
});
