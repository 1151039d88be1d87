// kube-proxy's chain and set names (hash-based); imports only node:crypto.
//
// Facts from kubernetes pkg/proxy/iptables/proxier.go (portProtoHash, servicePortEndpointChainName)
// and pkg/proxy/nftables/proxier.go (hashAndTruncate, servicePortChainNameBase,
// servicePortEndpointChainNameBase): sha256 of a name, RFC 4648 standard base32 (upper case, A-Z2-7),
// truncated to 16 characters (iptables) or 8 characters (nftables).
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first `chars` characters of base32(sha256(text)); chars ≤ 51. */
export function sha256Base32Prefix(text: string, chars: number): string {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; out.length < chars; i++) {
    buffer = ((buffer << 8) | (digest[i] ?? 0)) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The unit kube-proxy programs: one port of one Service (`proxy.ServicePortName`). */
export interface ServicePortName {
  readonly namespace: string;
  readonly name: string;
  /** May be empty for a single-port Service with an unnamed port. */
  readonly portName: string;
}

/** `ServicePortName.String()`: "ns/name:port", or "ns/name" when the port is unnamed. */
export function servicePortNameString(s: ServicePortName): string {
  return s.portName === '' ? `${s.namespace}/${s.name}` : `${s.namespace}/${s.name}:${s.portName}`;
}

/** iptables mode: the 16-character hash shared by KUBE-SVC-, KUBE-SVL-, KUBE-EXT- and KUBE-FW- chains. */
export function portProtoHash(s: ServicePortName, protocol: string): string {
  return sha256Base32Prefix(servicePortNameString(s) + protocol, 16);
}

/** iptables mode: KUBE-SEP-<hash of "ns/name:port" + protocol + "ip:port">. */
export function endpointChainName(s: ServicePortName, protocol: string, endpoint: string): string {
  return 'KUBE-SEP-' + sha256Base32Prefix(servicePortNameString(s) + protocol + endpoint, 16);
}

// nftables chain names are limited to 256 bytes; kube-proxy reserves 16 for its prefixes
// (knftables.NameLengthMax - chainNamePrefixLengthMax = 240).
const NFT_CHAIN_NAME_BASE_MAX = 240;

function hashAndTruncate(name: string): string {
  const full = sha256Base32Prefix(name, 8) + '-' + name;
  return full.length > NFT_CHAIN_NAME_BASE_MAX ? full.slice(0, NFT_CHAIN_NAME_BASE_MAX - 3) + '...' : full;
}

/** nftables mode: "HASH-ns/name/proto/port" (the suffix of service-, local-, external-, firewall- chains). */
export function nftServiceChainBase(s: ServicePortName, protocol: string): string {
  return hashAndTruncate(`${s.namespace}/${s.name}/${protocol}/${s.portName}`);
}

/** nftables mode: "HASH-ns/name/proto/port__ip/port" (the suffix of endpoint- chains and affinity- sets). */
export function nftEndpointChainBase(s: ServicePortName, protocol: string, ip: string, port: number): string {
  // IPv6 colons are not allowed in chain names; kube-proxy replaces them with dots.
  const safeIp = ip.includes(':') ? ip.replaceAll(':', '.') : ip;
  return hashAndTruncate(`${s.namespace}/${s.name}/${protocol}/${s.portName}__${safeIp}/${port}`);
}
