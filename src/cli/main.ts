// The `nflens` command line: the same core as the page, run by Node. Owns argument handling, file I/O and
// output formatting; all netfilter logic lives in src/parse, src/eval.
import { readFileSync } from 'node:fs';
import { runParse } from './parseCommand.ts';
import { runTrace } from './traceCommand.ts';
import { InputError, UsageError } from './args.ts';

const USAGE = `usage:
  nflens parse FILE... [--format auto|nft|nft-json|iptables|ipset|ipvs] [--json]
      Parse dumps (several files = one workspace; "-" = standard input). Prints a summary per file and
      every diagnostic as FILE:LINE:COL: error|warning|info: message [CODE]: each file's, then those of
      the checks across the workspace (SRC2xxx). --json: {"files": [...], "workspace": [...]}.
      Exit 0 without errors, 1 with errors (warnings do not count), 2 on usage errors.
  nflens trace FILE... --packet 'PACKET' [--host 'HOST'] [--forward|--no-forward]
               [--all-branches [--max-branches N] | --branch N,N… | --seed N] [--json|--monitor|--kernel]
      Follow one packet through the workspace in kernel order and print every step and its fate.
      PACKET uses nft's keys: 'iif eth0 ip saddr 10.0.0.5 ip daddr 10.0.0.1 tcp dport 22 ct state new',
      'local ip daddr 1.1.1.1 udp dport 53', 'ip6 saddr 2001:db8::1 icmpv6 type echo-request'.
      HOST: 'eth0=192.168.1.10/24 10.0.0.1 local=203.0.113.0/25 default=eth0 route=10.8.0.0/16@tun0'.
      --monitor prints "nft monitor trace" lines; --kernel the projection the kernel oracle compares.
      Exit 0 when the trace completed (parse errors are reported and the trace runs on what parsed).
  nflens help
`;

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly readFile: (path: string) => string;
}

export function main(argv: readonly string[], io: Io): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'parse':
        return runParse(rest, io);
      case 'trace':
        return runTrace(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return 0;
      case undefined:
        io.stderr(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(e instanceof InputError ? `nflens: ${e.message}\n` : `nflens: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

export function nodeIo(): Io {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
  };
}
