// Prints IR expressions and statements in nft syntax for trace lines (`ip daddr . tcp dport vmap @m`).
// Close to `nft list ruleset`; when the rule's source text is available the trace shows that instead.
// Pure; imports only the IR types.
import type { Expr, Rule, Stmt, Verdict } from '../model/ir.ts';

export function verdictText(v: Verdict): string {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return `${v.kind} ${v.target}`;
    default:
      return v.kind;
  }
}

function lit(v: number | string | boolean): string {
  if (typeof v !== 'string') return String(v);
  if (v === '' || /[\s"{}();,]/.test(v)) return `"${v}"`;
  return v;
}

/** Meta keys nft prints without the `meta` word (src/meta.c meta_key_is_unqualified). */
const BARE_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iiftype', 'oiftype', 'skuid', 'skgid', 'rtclassid', 'ibrname', 'obrname', 'ibriport', 'obriport', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup']);

/** Values nft prints quoted: interface names and strings compared against string-typed keys. */
const QUOTED_KEYS = new Set(['iifname', 'oifname', 'ibrname', 'obrname', 'iifkind', 'oifkind', 'sdifname', 'iif', 'oif', 'helper']);

export function exprText(e: Expr, quoteStrings = false): string {
  switch (e.kind) {
    case 'value':
      return quoteStrings && typeof e.value === 'string' ? `"${e.value}"` : lit(e.value);
    case 'variable':
      return `$${e.name}`;
    case 'payload':
      return `${e.protocol} ${e.field}`;
    case 'payload-raw':
      return `@${e.base},${e.offset},${e.len}`;
    case 'exthdr':
      return e.field ? `${e.name} ${e.field}` : `exthdr ${e.name} exists`;
    case 'option':
      return `${e.protocol} option ${e.name}${e.field ? ` ${e.field}` : ''}`;
    case 'meta':
      return BARE_META.has(e.key) ? e.key : `meta ${e.key}`;
    case 'ct':
      return `ct${e.dir ? ` ${e.dir}` : ''}${e.family ? ` ${e.family}` : ''} ${e.key}`;
    case 'fib':
      return `fib ${e.flags.join(' . ')} ${e.result}`;
    case 'rt':
      return `rt${e.family ? ` ${e.family}` : ''} ${e.key}`;
    case 'socket':
      return `socket ${e.key}${e.level !== undefined ? ` level ${e.level}` : ''}`;
    case 'osf':
      return `osf${e.ttl ? ` ttl ${e.ttl}` : ''} ${e.key}`;
    case 'numgen':
      return `numgen ${e.mode} mod ${e.mod}${e.offset ? ` offset ${e.offset}` : ''}`;
    case 'hash':
      return `${e.fn}${e.expr ? ` ${exprText(e.expr)}` : ''} mod ${e.mod}${e.seed !== undefined ? ` seed 0x${e.seed.toString(16)}` : ''}${e.offset ? ` offset ${e.offset}` : ''}`;
    case 'ipsec':
      return `ipsec ${e.dir}${e.spnum !== undefined ? ` spnum ${e.spnum}` : ''}${e.family ? ` ${e.family}` : ''} ${e.key}`;
    case 'tunnel':
      return `tunnel ${e.key}`;
    case 'prefix':
      return `${exprText(e.expr)}/${e.len}`;
    case 'range':
      return `${exprText(e.from)}-${exprText(e.to)}`;
    case 'concat':
      return e.items.map((x) => exprText(x, quoteStrings)).join(' . ');
    case 'set':
      return `{ ${e.items.map((x) => exprText(x, quoteStrings)).join(', ')} }`;
    case 'elem':
      return exprText(e.value, quoteStrings);
    case 'mapping':
      return `${exprText(e.key, quoteStrings)} : ${exprText(e.data)}`;
    case 'setref':
      return `@${e.name}`;
    case 'map':
      return `${exprText(e.key)} map ${exprText(e.data)}`;
    case 'binop': {
      const r = e.right.kind === 'binop' ? `(${exprText(e.right)})` : e.right.kind === 'list' ? `(${e.right.items.map((x) => exprText(x)).join(' | ')})` : exprText(e.right);
      const l = e.left.kind === 'binop' && e.left.op !== e.op ? `(${exprText(e.left)})` : exprText(e.left);
      return `${l} ${e.op} ${r}`;
    }
    case 'list':
      return e.items.map((x) => exprText(x)).join(',');
    case 'verdict':
      return verdictText(e.verdict);
    case 'xt':
      return e.text;
    case 'opaque':
      return e.text;
  }
}

function matchText(s: Extract<Stmt, { kind: 'match' }>): string {
  const quote = s.left.kind === 'meta' && QUOTED_KEYS.has(s.left.key);
  const left = exprText(s.left);
  const right = exprText(s.right, quote);
  if (s.op === 'in' || s.op === '==') {
    // nft prints `==` only where it differs from the implicit form (bitmask types use `==` explicitly).
    return s.op === '==' && (s.right.kind === 'list' || s.left.kind === 'binop') ? `${left} == ${right}` : `${left} ${right}`;
  }
  return `${left} ${s.op} ${right}`;
}

const stmtTextCache = new WeakMap<Stmt, string>();

/** A statement in nft syntax (cached per statement object: traces print the same rules again and again). */
export function stmtText(s: Stmt): string {
  let t = stmtTextCache.get(s);
  if (t === undefined) stmtTextCache.set(s, (t = stmtTextUncached(s)));
  return t;
}

function stmtTextUncached(s: Stmt): string {
  switch (s.kind) {
    case 'match':
      return matchText(s);
    case 'verdict':
      return verdictText(s.verdict);
    case 'vmap':
      return `${exprText(s.key)} vmap ${exprText(s.data)}`;
    case 'counter':
      return s.packets !== undefined ? `counter packets ${s.packets} bytes ${s.bytes ?? 0}` : 'counter';
    case 'mangle':
      return `${exprText(s.key)} set ${exprText(s.value)}`;
    case 'log':
      return ['log', s.prefix !== undefined ? `prefix "${s.prefix}"` : '', s.level ? `level ${s.level}` : '', s.group !== undefined ? `group ${s.group}` : ''].filter(Boolean).join(' ');
    case 'limit':
      return `limit rate ${s.inv ? 'over ' : ''}${s.rate}${s.rateUnit && s.rateUnit !== 'packets' ? ` ${s.rateUnit}` : ''}/${s.per}${s.burst ? ` burst ${s.burst} ${s.burstUnit ?? 'packets'}` : ''}`;
    case 'quota':
      return `quota ${s.inv ? 'over ' : ''}${s.val} ${s.valUnit}${s.used ? ` used ${s.used} ${s.usedUnit ?? ''}` : ''}`;
    case 'nat': {
      const fam = s.family ? ` ${s.family}` : '';
      const to = s.addr || s.port ? ` to ${s.addr ? exprText(s.addr) : ''}${s.port ? `:${exprText(s.port)}` : ''}` : '';
      const flags = s.flags?.length ? ` ${s.flags.join(',')}` : '';
      return `${s.type}${s.addr ? fam : ''}${to}${flags}`;
    }
    case 'reject':
      return s.type ? `reject with ${s.type}${s.expr ? ` ${s.expr}` : ''}` : 'reject';
    case 'notrack':
      return 'notrack';
    case 'queue':
      return `queue${s.num ? ` num ${exprText(s.num)}` : ''}${s.flags?.length ? ` flags ${s.flags.join(',')}` : ''}`;
    case 'dup':
      return `dup${s.addr ? ` to ${exprText(s.addr)}` : ''}${s.dev ? ` device ${exprText(s.dev, true)}` : ''}`;
    case 'fwd':
      return `fwd${s.family ? ` ${s.family}` : ''} to ${s.addr ? `${exprText(s.addr)} device ` : ''}${exprText(s.dev, true)}`;
    case 'set':
      return `${s.op} @${s.set} { ${exprText(s.elem)}${s.data ? ` : ${exprText(s.data)}` : ''} }`;
    case 'meter':
      return `meter ${s.name} { ${exprText(s.key)} ${stmtText(s.stmt)} }`;
    case 'tproxy':
      return `tproxy${s.family ? ` ${s.family}` : ''} to ${s.addr ? exprText(s.addr) : ''}${s.port ? `:${exprText(s.port)}` : ''}`;
    case 'synproxy':
      return 'synproxy';
    case 'objref':
      return `${s.type} name ${exprText(s.name, true)}`;
    case 'connlimit':
      return `ct count ${s.inv ? 'over ' : ''}${s.val}`;
    case 'flow':
      return `flow add @${s.flowtable}`;
    case 'last':
      return 'last';
    case 'xt':
      return s.text;
    case 'opaque':
      return s.text;
  }
}

export function ruleText(r: Rule): string {
  const body = r.stmts.map(stmtText).join(' ');
  return r.comment !== undefined ? `${body} comment "${r.comment}"` : body;
}
