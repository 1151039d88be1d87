// Guesses the format of a pasted dump from its first meaningful lines. Pure; imports only the model.
import type { SourceFormat } from '../model/ir.ts';

/** The format a text most likely is, judged from its first non-comment lines. nft is the fallback,
 *  because the nft parser gives the most helpful errors for text that is none of these. */
export function detectFormat(text: string): SourceFormat {
  const head = text.slice(0, 64 * 1024);
  const trimmed = head.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'nft-json';
  const lines = head.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines.slice(0, 200)) {
    if (/^IP Virtual Server version/.test(line) || /^Prot\s+LocalAddress:Port/.test(line)) return 'ipvs';
    if (/^-A\s+-[tuf]\s/.test(line)) return 'ipvs'; // ipvsadm -Sn
    if (/^\*(filter|nat|mangle|raw|security)\b/.test(line) || /^:[A-Za-z0-9_.-]+\s+(ACCEPT|DROP|RETURN|-)\s/.test(line)) return 'iptables';
    if (/^-[AINP]\s+[A-Za-z0-9_.-]+/.test(line) || /^-N\s+\S+$/.test(line)) return 'iptables'; // iptables -S
    if (/^(create|add)\s+\S+\s+(hash|bitmap|list):/.test(line) || /^Name:\s+\S+/.test(line)) return 'ipset';
    if (/^(table|chain|set|map|flush|add|define|include|delete|insert|replace|create|destroy|list|#!)\b/.test(line)) return 'nft';
    if (line.startsWith('#')) continue;
  }
  return 'nft';
}
