// The command line of `npm run bench`: sizes, sections and limits. Pure (throws on bad arguments).

export const USAGE = `usage: npm run bench -- [--quick] [--sizes 100,1000,10000] [--endpoints 10] [--only parse,native,trace,graph,browser]
                       [--native-timeout SECONDS] [--repeat N] [--no-build] [--out DIR] [--readme] [--merge]
  --quick           sizes 100 and 1 000, fewer repetitions and packets, native timeout 60 s
  --only            sections to run (default all); 'native' runs with 'parse'
  --native-timeout  per native tool run (default 120 s: nft 1.0.6 needs ~400 s for 10 000 Services)
  --repeat          fresh-process parses per file (default 3 below 10 000 Services, 1 from 10 000)
  --readme          also put the tables into README.md's Benchmarks section
  --merge           replace only the measured rows in the existing DIR/latest.json (re-run one section or size)`;

export interface Options {
  readonly sizes: readonly number[];
  readonly endpoints: number;
  readonly sections: ReadonlySet<string>;
  readonly nativeTimeoutS: number;
  readonly repeat?: number;
  readonly build: boolean;
  readonly out: string;
  readonly quick: boolean;
  readonly readme: boolean;
  readonly merge: boolean;
}

export function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const quick = argv.includes('--quick');
  const list = (s: string): number[] => s.split(',').map((x) => Number(x.trim().replace(/_/g, '')));
  const sizes = value('--sizes') !== undefined ? list(value('--sizes')!) : quick ? [100, 1000] : [100, 1000, 10_000];
  if (sizes.some((s) => !Number.isInteger(s) || s < 2)) throw new Error(`--sizes: positive integers ≥ 2 (got ${value('--sizes')})`);
  const all = ['parse', 'native', 'trace', 'graph', 'browser'];
  const only = value('--only');
  const sections = new Set(only ? only.split(',').map((s) => s.trim()) : all);
  for (const s of sections) if (!all.includes(s)) throw new Error(`--only: unknown section ${s}`);
  if (argv.includes('--no-native')) sections.delete('native');
  if (argv.includes('--no-browser')) sections.delete('browser');
  const repeat = value('--repeat');
  return {
    sizes: [...sizes].sort((a, b) => a - b),
    endpoints: Number(value('--endpoints') ?? 10),
    sections,
    nativeTimeoutS: Number(value('--native-timeout') ?? (quick ? 60 : 120)),
    ...(repeat !== undefined ? { repeat: Number(repeat) } : quick ? { repeat: 1 } : {}),
    build: !argv.includes('--no-build'),
    out: value('--out') ?? 'bench-results',
    quick,
    readme: argv.includes('--readme'),
    merge: argv.includes('--merge'),
  };
}

