// Command-line argument parsing for the nflens CLI: small and strict, so that usage errors are clear.
// Node-free (works on plain arrays of strings) so it can be unit-tested.

export class UsageError extends Error {}

/** A file that cannot be read: exit 2 like a usage error, but the usage text would only hide the reason. */
export class InputError extends UsageError {}

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

/** Splits argv into positional arguments and `--flag value` / `--flag=value` / `--switch` options.
 *  `valueFlags` lists the flags that take a value; anything else starting with `--` is a switch. */
export function parseArgs(argv: readonly string[], valueFlags: readonly string[], switches: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (valueFlags.includes(name)) {
        const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, value);
      } else if (switches.includes(name)) {
        if (eq !== -1) throw new UsageError(`--${name} takes no value`);
        flags.set(name, true);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}
