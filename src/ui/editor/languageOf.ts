// Which editor language shows each input format. Pure; imports model types only.
import type { SourceFormat } from '../../model/ir.ts';

export const LANGUAGE_OF: Readonly<Record<SourceFormat, string>> = {
  nft: 'nft',
  'nft-json': 'nftjson',
  iptables: 'iptables',
  ipset: 'ipset',
  ipvs: 'ipvs',
};
