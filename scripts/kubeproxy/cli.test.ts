// The generator's command line: writes the mode's files plus expected.json, and refuses bad arguments.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKubeProxy } from './generate.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '../../node_modules/.bin/tsx');
const out = mkdtempSync(path.join(tmpdir(), 'nflens-kubegen-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(tsx, [path.join(here, 'cli.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('kube-proxy generator CLI', () => {
  it('writes the files of the mode and the ground truth, identical to the API output', () => {
    const r = run('--mode', 'ipvs', '--services', '12', '--endpoints', '2', '--seed', '3', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ipvs: 12 services × 2 endpoints \(seed 3\) → \d+ service ports/);
    expect(readdirSync(out).sort()).toEqual(['expected.json', 'ipset-save.txt', 'iptables-save.txt', 'ipvsadm-Ln.txt']);
    const api = generateKubeProxy({ mode: 'ipvs', services: 12, endpointsPerService: 2, seed: 3 });
    expect(JSON.parse(readFileSync(path.join(out, 'expected.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(api.expected)));
    for (const f of api.files) expect(readFileSync(path.join(out, f.name), 'utf8')).toBe(f.text);
  });

  it('rejects an unknown mode and a missing --out with exit status 2', () => {
    const badMode = run('--mode', 'userspace', '--services', '1', '--endpoints', '1', '--out', out);
    expect(badMode.status).toBe(2);
    expect(badMode.stderr).toContain('--mode must be iptables, nftables or ipvs');
    const noOut = run('--mode', 'nftables', '--services', '1', '--endpoints', '1');
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toContain('--out is required');
  });
});
