// Guesses the format of a pasted dump from its first meaningful lines. Pure; imports only the model.
//
// Each line is classified on its own, by what only one format writes there; lines that several formats
// share (`COMMIT`, `-F`, comments) decide nothing. Headers no other format has (`*filter`,
// `IP Virtual Server version`, `Name:`/`Type: hash:ip`, `table ip x {`) decide at once; otherwise the
// format with the most classified lines among the first ones wins. The look-alikes this separates:
// - `-A X …`: iptables -S has a chain and then options (`-A INPUT -p tcp …`, or nothing), ipset's old
//   syntax a set and an element (`-A myset 10.0.0.1`), ipvsadm a service option (`-A -t 10.0.0.1:80`);
//   `-N X` alone is iptables, `-N X iphash …` is ipset.
// - `add X …`: nft's command form names an object kind (`add rule …`, `add element …`), ipset's a set
//   and an element (`add myset 10.0.0.1`); likewise `create`, `flush`, `destroy`, `rename`.
import type { SourceFormat } from '../model/ir.ts';

/** nft's object kinds after a command word (nftables src/parser_bison.y, add_cmd … destroy_cmd). */
const NFT_OBJECTS = new Set([
  'table', 'tables', 'chain', 'chains', 'rule', 'rules', 'set', 'sets', 'map', 'maps', 'element', 'elements',
  'flowtable', 'flowtables', 'counter', 'counters', 'quota', 'quotas', 'limit', 'limits', 'ct', 'secmark',
  'secmarks', 'synproxy', 'synproxys', 'ruleset', 'tunnel', 'tunnels', 'meter', 'meters', 'hooks',
]);
const NFT_COMMANDS = new Set(['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'list', 'reset', 'rename', 'get', 'monitor', 'describe', 'export', 'import']);
const NFT_DIRECTIVES = new Set(['define', 'redefine', 'undefine', 'include']);
const NFT_FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

const IPSET_TYPE = /^(hash:|bitmap:|list:)|^(iphash|nethash|ipporthash|ipportiphash|ipportnethash|ipmap|macipmap|portmap|setlist)$/;
const IPVS_SERVICE_OPTION = /^(-t|-u|-f|--tcp-service|--udp-service|--sctp-service|--fwmark-service)(=|$)/;

interface Verdict {
  readonly format: SourceFormat;
  /** A header or construct no other format has: decide without looking further. */
  readonly certain: boolean;
}

const LINES_TO_VOTE = 40;

/** The format a text most likely is. nft is the fallback, because the nft parser gives the most helpful
 *  errors for text that is none of these. */
export function detectFormat(text: string): SourceFormat {
  const head = text.slice(0, 64 * 1024);
  const trimmed = head.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'nft-json';
  const votes = new Map<SourceFormat, number>();
  let voted = 0;
  for (const raw of head.split('\n').slice(0, 2000)) {
    const line = raw.trim();
    if (line === '') continue;
    const verdict = classifyLine(line);
    if (!verdict) continue;
    if (verdict.certain) return verdict.format;
    votes.set(verdict.format, (votes.get(verdict.format) ?? 0) + 1);
    if (++voted >= LINES_TO_VOTE) break;
  }
  let best: SourceFormat = 'nft';
  let bestVotes = 0;
  for (const [format, count] of votes) {
    if (count > bestVotes) [best, bestVotes] = [format, count];
  }
  return best;
}

function classifyLine(line: string): Verdict | undefined {
  if (line.startsWith('#')) return classifyComment(line);
  const words = line.split(/\s+/);
  const [first = '', second = ''] = words;

  // ipvsadm -Ln listing and its lines.
  if (/^IP Virtual Server version/.test(line) || (first === 'Prot' && second === 'LocalAddress:Port')) return certain('ipvs');
  if (first === '->' && /(:\S*|\])$/.test(second)) return likely('ipvs');
  if (/^(TCP|UDP|SCTP)$/.test(first) && /^(\[[0-9a-fA-F:.]+\]|[\w.-]+):\w+$/.test(second)) return likely('ipvs');
  if (first === 'FWM' && /^\d+$/.test(second)) return likely('ipvs');

  // iptables-save.
  if (/^\*(filter|nat|mangle|raw|security)$/.test(line)) return certain('iptables');
  if (/^:\S+ (ACCEPT|DROP|RETURN|QUEUE|-) \[\d+:\d+\]$/.test(line)) return certain('iptables');

  // ipset list.
  if (/^Name: \S+$/.test(line) || /^Members:$/.test(line)) return likely('ipset');
  if (/^Type: /.test(line) && IPSET_TYPE.test(line.slice(6).trim())) return certain('ipset');
  if (line.startsWith('<ipsets>') || line.startsWith('<ipset name=')) return certain('ipset');

  // nft.
  if (line.startsWith('table ') && NFT_FAMILIES.has(second) && line.endsWith('{')) return certain('nft');
  if (line.startsWith('table ') && line.endsWith('{')) return likely('nft');
  if (NFT_DIRECTIVES.has(first)) return likely('nft');
  if (NFT_COMMANDS.has(first) && NFT_OBJECTS.has(second)) return likely('nft');
  if (line === '}' || (/^(chain|set|map|flowtable) \S+ \{$/.test(line))) return likely('nft');

  // Dash commands: ipvsadm, iptables -S, ipset's old syntax.
  const args = first === 'ipvsadm' ? words.slice(1) : words;
  if (/^-[AEDaed]$/.test(args[0] ?? '') && IPVS_SERVICE_OPTION.test(args[1] ?? '')) return likely('ipvs');
  if (first === 'ipvsadm') return likely('ipvs');
  if (first === 'ipset') return likely('ipset'); // a line of a shell script: `ipset add …`
  return classifyDashCommand(words) ?? classifyIpsetCommand(words);
}

function classifyComment(line: string): Verdict | undefined {
  if (line.startsWith('#!') && /\bnft\b/.test(line)) return certain('nft');
  if (/^# Generated by (ip6?tables|iptables-nft|ip6tables-nft|iptables-legacy|ip6tables-legacy)(-save)?\b/.test(line)) return certain('iptables');
  if (/^# Warning: iptables-legacy tables present/.test(line)) return certain('iptables');
  return undefined;
}

/** iptables -S (`-P INPUT ACCEPT`, `-N CHAIN`, `-A CHAIN [options]`) against ipset's `-N`/`-A`. */
function classifyDashCommand(words: readonly string[]): Verdict | undefined {
  const [first = '', second, third] = words;
  if (!second || second.startsWith('-')) return undefined;
  switch (first) {
    case '-P':
      return /^(ACCEPT|DROP|RETURN|QUEUE)$/.test(third ?? '') && words.length === 3 ? likely('iptables') : undefined;
    case '-N':
      if (words.length === 2) return likely('iptables');
      return IPSET_TYPE.test(third ?? '') ? likely('ipset') : undefined;
    case '-A':
    case '-I':
    case '-R':
    case '-D':
      // iptables: the chain is followed by options (or a rule number for -I/-R/-D); ipset: by an element.
      if (third === undefined || third.startsWith('-') || (first !== '-A' && /^\d+$/.test(third))) return likely('iptables');
      return first === '-A' || first === '-D' ? likely('ipset') : undefined;
    default:
      return undefined;
  }
}

/** ipset's restore commands (nft's command form was ruled out before: it names an object kind). */
function classifyIpsetCommand(words: readonly string[]): Verdict | undefined {
  const [first = '', second, third] = words;
  if (NFT_OBJECTS.has(second ?? '')) return undefined;
  switch (first) {
    case 'create':
    case '-N':
      return third !== undefined && IPSET_TYPE.test(third) ? likely('ipset') : undefined;
    case 'add':
    case 'del':
    case 'test':
      return third !== undefined ? likely('ipset') : undefined;
    case 'destroy':
    case 'flush':
      return words.length <= 2 ? likely('ipset') : undefined;
    case 'rename':
    case 'swap':
      return words.length === 3 ? likely('ipset') : undefined;
    default:
      return undefined;
  }
}

function certain(format: SourceFormat): Verdict {
  return { format, certain: true };
}

function likely(format: SourceFormat): Verdict {
  return { format, certain: false };
}
