// The `nflens` command line: the same core as the page, run by Node. Owns argument handling, file I/O and
// output formatting; all netfilter logic lives in src/parse, src/eval.
import { readFileSync } from 'node:fs';
import { runParse } from './parseCommand.ts';
import { UsageError } from './args.ts';

const USAGE = `usage:
  nflens parse FILE... [--format auto|nft|nft-json|iptables|ipset|ipvs] [--json]
      Parse dumps (several files = one workspace; "-" = standard input). Prints a summary and every
      diagnostic as FILE:LINE:COL: error|warning: message [CODE]. Exit 0 without errors, 1 with errors.
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
      io.stderr(`nflens: ${e.message}\n${USAGE}`);
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
