// Reads nftables tests/py `.t` case lists and turns each case into an nft script to parse: headers
// `:chain;type … hook … priority …` declare base chains, `*family;table;chain[,chain]` select where rules go,
// `!set type …`, `?set elements`, `%obj type …` declare sets, elements and objects, `- …` lines are disabled
// cases. Node-only test helper.
import { readFileSync } from 'node:fs';

export interface PyCase {
  readonly file: string;
  readonly line: number;
  /** What the line tests: a rule, a set declaration, set elements, a named object. */
  readonly what: 'rule' | 'set' | 'element' | 'object';
  readonly text: string;
  readonly expect: 'ok' | 'fail';
  /** For `;ok` cases: what nft lists the case as (the third field, or the case itself when absent). */
  readonly listed?: string;
  /** One script per table/chain the case runs in; the case's own text starts at `offset` in each. */
  readonly scripts: readonly { readonly script: string; readonly offset: number }[];
}

interface TableCtx {
  family: string;
  table: string;
  chains: string[];
}

/** nft-test.py builds `add set … { type X; flags …; timeout …; }` from `type X flags … timeout …`. */
function setBody(spec: string): string {
  return spec
    .replace(/\s+(flags|timeout|size|policy|gc-interval|counter)\b/g, '; $1')
    .trim();
}

export function readPyCases(path: string): PyCase[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const chainSpecs = new Map<string, string>();
  let tables: TableCtx[] = [];
  let newTables = true;
  const decls: string[] = [];
  const cases: PyCase[] = [];
  const file = path.split('/').pop() ?? path;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('-')) return;
    if (line.startsWith(':')) {
      const [name, spec] = line.slice(1).split(';');
      if (name && spec) chainSpecs.set(name.trim(), spec.trim());
      return;
    }
    if (line.startsWith('*')) {
      if (newTables) tables = [];
      newTables = false;
      const [family, table, chains] = line.slice(1).split(';');
      if (family && table && chains) tables.push({ family: family.trim(), table: table.trim(), chains: chains.split(',').map((c) => c.trim()) });
      return;
    }
    newTables = true;
    // `body;ok[;expected output]`; object bodies may contain ';' themselves (`{ type "ftp" protocol tcp; }`).
    const m = /^(.*?);(ok|fail)(?:;(.*))?$/.exec(line);
    if (!m) return;
    const status = m[2] as 'ok' | 'fail';
    const body = m[1] ?? '';
    let what: PyCase['what'] = 'rule';
    let mk: (t: TableCtx, chain: string) => string;
    if (body.startsWith('!')) {
      what = 'set';
      const [name, ...rest] = body.slice(1).split(' ');
      const spec = rest.join(' ');
      const kind = /:/.test(spec) ? 'map' : 'set';
      mk = (t) => `add ${kind} ${t.family} ${t.table} ${name} { ${setBody(spec)}; }`;
    } else if (body.startsWith('?')) {
      what = 'element';
      const [name, ...rest] = body.slice(1).split(' ');
      mk = (t) => `add element ${t.family} ${t.table} ${name} { ${rest.join(' ')} }`;
    } else if (body.startsWith('%')) {
      what = 'object';
      const om = /^%(\S+)\s+type\s+(ct helper|ct timeout|ct expectation|\S+)\s*(.*)$/.exec(body);
      mk = (t) => (om ? `add ${om[2]} ${t.family} ${t.table} ${om[1]}${om[3] ? (om[3].startsWith('{') ? ` ${om[3]}` : ` { ${om[3]} }`) : ''}` : body);
    } else {
      mk = (t, chain) => `add rule ${t.family} ${t.table} ${chain} ${body}`;
    }
    const scripts: { script: string; offset: number }[] = [];
    for (const t of tables) {
      const chains = what === 'rule' ? t.chains : [t.chains[0] ?? 'c'];
      for (const chain of chains) {
        const head = [`add table ${t.family} ${t.table}`];
        for (const c of t.chains) {
          const spec = chainSpecs.get(c);
          head.push(spec ? `add chain ${t.family} ${t.table} ${c} { ${spec}; }` : `add chain ${t.family} ${t.table} ${c}`);
        }
        for (const d of decls) head.push(d.replace(/\$FAMILY/g, t.family).replace(/\$TABLE/g, t.table));
        const prefix = head.join('\n') + '\n';
        const own = mk(t, chain);
        scripts.push({ script: prefix + own + '\n', offset: prefix.length });
      }
    }
    const listed = status === 'ok' ? (m[3]?.trim() || body) : undefined;
    cases.push({ file, line: i + 1, what, text: body, expect: status, scripts, ...(listed !== undefined ? { listed } : {}) });
    // Declarations that succeed stay for the following cases (nft-test.py keeps them in the table).
    if (status === 'ok' && what !== 'rule') {
      decls.push(mk({ family: '$FAMILY', table: '$TABLE', chains: [] }, ''));
    }
  });
  return cases;
}
