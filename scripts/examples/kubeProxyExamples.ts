// The three kube-proxy examples of the gallery (src/examples/kube-proxy-*): one small cluster, dumped in each
// proxy mode by the generator. Imports the generator only; writes nothing (see regenerate.ts).
import { generateKubeProxy, type KubeProxyMode } from '../kubeproxy/generate.ts';

/** Same seed and sizes for every mode, so the three examples show the same Services and endpoints. */
export const KUBE_PROXY_EXAMPLE = { services: 4, endpointsPerService: 3, seed: 1 } as const;

/** Generator file → gallery file, per mode (the nft transaction form is left out: users paste listings). */
const FILES: Readonly<Record<KubeProxyMode, { readonly dir: string; readonly files: Readonly<Record<string, string>> }>> = {
  nftables: { dir: 'kube-proxy-nftables', files: { 'nft-list-ruleset.nft': 'nft-list-ruleset.nft' } },
  iptables: { dir: 'kube-proxy-iptables', files: { 'iptables-save.txt': 'iptables-save.txt' } },
  ipvs: {
    dir: 'kube-proxy-ipvs',
    files: { 'ipvsadm-Ln.txt': 'ipvsadm-Ln.txt', 'ipset-save.txt': 'ipset-save.txt', 'iptables-save.txt': 'iptables-save.txt' },
  },
};

/** Paths relative to src/examples/ and their exact text. */
export function kubeProxyExampleFiles(): Array<{ readonly path: string; readonly text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const mode of ['nftables', 'iptables', 'ipvs'] as const) {
    const result = generateKubeProxy({ ...KUBE_PROXY_EXAMPLE, mode });
    const { dir, files } = FILES[mode];
    for (const [from, to] of Object.entries(files)) {
      const file = result.files.find((f) => f.name === from);
      if (!file) throw new Error(`generator gave no ${from} in ${mode} mode`);
      out.push({ path: `${dir}/${to}`, text: file.text });
    }
  }
  return out;
}
