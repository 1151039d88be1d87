// Known answers for kube-proxy's chain names and saved probabilities, taken from kube-proxy's own test
// expectations in the shared corpus and from iptables-nft-save 1.8.9.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../test/corpus.ts';
import { endpointChainName, nftEndpointChainBase, nftServiceChainBase, portProtoHash, sha256Base32Prefix } from './names.ts';
import { formatSavedProbability, kubeProxyProbability, savedProbability, statisticFixedPoint } from './probability.ts';

/** "ns/name:port" → its parts (kube-proxy's ServicePortName). */
function parseServicePortName(text: string) {
  const [nsName = '', portName = ''] = text.split(':');
  const [namespace = '', name = ''] = nsName.split('/');
  return { namespace, name, portName };
}

describe('kube-proxy chain names', () => {
  const iptablesExpected = readFileSync(
    corpusFiles('iptables', (n) => n.includes('TestOverallIPTablesRules-expected'))[0] ?? '',
    'utf8',
  );

  it('reproduces every KUBE-SVC/KUBE-EXT/KUBE-FW hash in kube-proxy TestOverallIPTablesRules', () => {
    const pairs = [...iptablesExpected.matchAll(/--comment "(\S+) (?:cluster IP|external IP|loadbalancer IP)" -m (\w+) .* -j (KUBE-(?:SVC|EXT|FW)-(\w+))$/gm)];
    expect(pairs.length).toBeGreaterThanOrEqual(8);
    for (const [, name = '', proto = '', , hash] of pairs) {
      expect(portProtoHash(parseServicePortName(name), proto), name).toBe(hash);
    }
  });

  it('reproduces every KUBE-SEP name in kube-proxy TestOverallIPTablesRules', () => {
    const pairs = [...iptablesExpected.matchAll(/--comment "(\S+) -> (\S+)" .*-j (KUBE-SEP-\w+)$/gm)];
    expect(pairs.length).toBeGreaterThanOrEqual(6);
    // All services of that test are TCP.
    for (const [, name = '', endpoint = '', chain] of pairs) {
      expect(endpointChainName(parseServicePortName(name), 'tcp', endpoint)).toBe(chain);
    }
  });

  it('reproduces every service-/endpoint-/affinity- name in kube-proxy TestOverallNFTablesRules', () => {
    const text = readFileSync(corpusFiles('nft-input', (n) => n.includes('TestOverallNFTablesRules-expected'))[0] ?? '', 'utf8');
    const names = new Set(text.match(/\b(?:service|external|firewall|endpoint|affinity)-[A-Z2-7]{8}-[\w./-]+/g) ?? []);
    expect(names.size).toBeGreaterThanOrEqual(15);
    for (const full of names) {
      const [, hash = '', rest = ''] = /^\w+-([A-Z2-7]{8})-(.+)$/.exec(full) ?? [];
      const m = /^([^/]+)\/([^/]+)\/(\w+)\/([^_]*)(?:__(.+)\/(\d+))?$/.exec(rest);
      expect(m, full).not.toBeNull();
      const [, namespace = '', name = '', proto = '', portName = '', ip, port] = m ?? [];
      const spn = { namespace, name, portName };
      const expected = ip === undefined ? nftServiceChainBase(spn, proto) : nftEndpointChainBase(spn, proto, ip, Number(port));
      expect(expected, full).toBe(`${hash}-${rest}`);
    }
  });

  it('matches names seen on real clusters (default/kubernetes and kube-dns)', () => {
    // These hashes appear in every kube-proxy iptables dump of a cluster with the default Services.
    expect(portProtoHash({ namespace: 'default', name: 'kubernetes', portName: 'https' }, 'tcp')).toBe('NPX46M4PTMTKRN6Y');
    expect(portProtoHash({ namespace: 'kube-system', name: 'kube-dns', portName: 'dns' }, 'udp')).toBe('TCOU7JCQXEZGVUNU');
    expect(portProtoHash({ namespace: 'kube-system', name: 'kube-dns', portName: 'dns-tcp' }, 'tcp')).toBe('ERIFXISQEP7F7OF4');
  });

  it('encodes the digest in RFC 4648 base32, 5 bits per character', () => {
    // sha256("") starts e3 b0 c4 42 98 = 11100 01110 11000 01100 01000 10000 10100 11000 = 4 O Y M I Q U Y.
    expect(sha256Base32Prefix('', 8)).toBe('4OYMIQUY');
  });
});

describe('saved statistic probabilities', () => {
  it('prints what iptables-nft-save 1.8.9 printed for kube-proxy values', () => {
    // Observed on this machine: restore "--probability 0.3333333333" etc., then iptables-nft-save.
    expect(savedProbability(2)).toBe('0.50000000000');
    expect(savedProbability(3)).toBe('0.33333333349');
    expect(savedProbability(5)).toBe('0.20000000019');
    expect(savedProbability(7)).toBe('0.14285714272');
    expect(savedProbability(10)).toBe('0.10000000009');
  });

  it('writes kube-proxy text with Go rounding (ties to even)', () => {
    expect(kubeProxyProbability(3)).toBe('0.3333333333');
    // 1/2048 = 0.00048828125 exactly: Go prints the even neighbour, JavaScript's toFixed would round up.
    expect(kubeProxyProbability(2048)).toBe('0.0004882812');
  });

  it('reads back within one 31-bit step of 1/n for every n up to 2000', () => {
    for (let n = 2; n <= 2000; n++) {
      const saved = Number(savedProbability(n));
      expect(Math.abs(saved - 1 / n)).toBeLessThan(2 ** -31 + 1e-10);
    }
  });

  it('rounds a tie to even like glibc printf', () => {
    // 2^19 / 2^31 = 0.000244140625: the 12th decimal is a 5 followed by nothing.
    expect(formatSavedProbability(2 ** 19)).toBe('0.00024414062');
    expect(formatSavedProbability(3 * 2 ** 19)).toBe('0.00073242188');
    expect(statisticFixedPoint('0.5')).toBe(2 ** 30);
  });
});
