// The one intermediate representation (IR) that every input format produces and every consumer reads.
// Owns only types and tiny constructors; must not import from parse/, eval/, graph/, ui/ or store/.
//
// Design rule: the shapes mirror libnftables' JSON schema (`nft -j list ruleset`, see nftables
// doc/libnftables-json.adoc) turned into discriminated unions on `kind`. So the nft text parser produces
// exactly what `nft -j` would have printed for the same ruleset, and the JSON parser is a direct mapping.
// Formats that are not nftables (iptables-save, ipset, ipvsadm) translate into the same shapes the way
// iptables-nft does in the kernel; what has no nftables equivalent becomes an `xt` node with structured
// options.
//
// Every node is plain, readonly-by-convention and JSON-serialisable: it goes to workers and into permalinks.
// Every node that comes from text carries `range` (offsets into its source's text); line and column are
// computed only when shown (see sourceText.ts). A declaration's range covers its whole text: `table … { … }`,
// `chain … { … }`, `set …`, an `add chain …` command, an iptables `:CHAIN` line, an nft -j object. A rule's
// covers its statements and comment, in nft text also the `# handle N` comment `nft -a` prints after it
// (consumers showing the rule's text strip it); it may lie outside its chain's (`add rule`, `-A`, nft -j).

/** Offsets [start, end) into the text of the source the node came from. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

/** Address families of nftables; iptables → ip, ip6tables → ip6. */
export type Family = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
export const FAMILIES: readonly Family[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];

/** Which tool a table belongs to; decides how nflens explains it. */
export type TableOrigin =
  | 'nft' // native nftables
  | 'iptables-nft' // iptables-nft compat table seen in `nft list ruleset`, or iptables-nft-save
  | 'iptables-legacy' // xtables hooks from iptables-legacy-save
  | 'iptables' // iptables-save whose backend is not stated
  | 'ipset'; // the sets of an `ipset save` / `ipset list` source (no chains; matched by iptables `-m set`)

// ───────────────────────────── expressions ─────────────────────────────

/** A literal as nft -j prints it: numbers stay numbers, everything else (addresses, names, symbolic
 *  constants such as `established`, `ssh`, interface names) is a string. Values beyond 2^53 are strings. */
export type Literal = number | string | boolean;

export type Expr =
  /** A constant: `22`, `10.0.0.1`, `"eth0"`, `established`, `0x10` (→ 16). */
  | { readonly kind: 'value'; readonly value: Literal; readonly range?: SourceRange }
  /** `$name` that could not be resolved (resolved variables are substituted by the parser). */
  | { readonly kind: 'variable'; readonly name: string; readonly range?: SourceRange }
  /** `ip saddr`, `tcp dport`, `th dport`, `ether type`, `vlan id`, … With `tunnel`, a field of the header
   *  inside a tunnel (`vxlan ip saddr`: nft 1.1+, JSON `{"payload": {"tunnel": "vxlan", …}}`). */
  | { readonly kind: 'payload'; readonly protocol: string; readonly field: string; readonly tunnel?: string; readonly range?: SourceRange }
  /** `@nh,16,16` raw payload: base ll|nh|th|ih, offset and length in bits. */
  | { readonly kind: 'payload-raw'; readonly base: 'll' | 'nh' | 'th' | 'ih'; readonly offset: number; readonly len: number; readonly range?: SourceRange }
  /** IPv6 extension header field (`hbh nexthdr`, `frag more-fragments`, `rt0 addr[1]`), or `exthdr <name> exists`. */
  | { readonly kind: 'exthdr'; readonly name: string; readonly field?: string; readonly offset?: number; readonly range?: SourceRange }
  /** `tcp option <name> [field]`, `ip option <name> [field]`, `sctp chunk <name> [field]`, `dccp option N`. */
  | { readonly kind: 'option'; readonly protocol: 'tcp' | 'ip' | 'sctp' | 'dccp'; readonly name: string; readonly field?: string; readonly range?: SourceRange }
  /** `meta mark`, `iifname`, `meta l4proto`, `skuid`, … (nft may print some without the `meta` word). */
  | { readonly kind: 'meta'; readonly key: string; readonly range?: SourceRange }
  /** `ct state`, `ct original saddr`, `ct reply ip daddr`, `ct mark`, … */
  | { readonly kind: 'ct'; readonly key: string; readonly dir?: 'original' | 'reply'; readonly family?: 'ip' | 'ip6'; readonly range?: SourceRange }
  /** `fib saddr . iif oif`, `fib daddr type`, `fib saddr . iif check` (nft 1.1+: route exists, boolean) */
  | { readonly kind: 'fib'; readonly result: 'oif' | 'oifname' | 'type' | 'check'; readonly flags: readonly string[]; readonly range?: SourceRange }
  /** `rt nexthop`, `rt mtu`, `rt classid`, `rt ipsec` */
  | { readonly kind: 'rt'; readonly key: string; readonly family?: 'ip' | 'ip6'; readonly range?: SourceRange }
  /** `socket transparent`, `socket mark`, `socket wildcard`, `socket cgroupv2 level N` */
  | { readonly kind: 'socket'; readonly key: string; readonly level?: number; readonly range?: SourceRange }
  /** `osf name`, `osf ttl skip version` */
  | { readonly kind: 'osf'; readonly key: 'name' | 'version'; readonly ttl?: 'loose' | 'skip'; readonly range?: SourceRange }
  /** `numgen random mod 2 offset 10`, `numgen inc mod 3` */
  | { readonly kind: 'numgen'; readonly mode: 'inc' | 'random'; readonly mod: number; readonly offset?: number; readonly range?: SourceRange }
  /** `jhash ip saddr . tcp sport mod 2 seed 0xdead offset 100`, `symhash mod 2` */
  | { readonly kind: 'hash'; readonly fn: 'jhash' | 'symhash'; readonly expr?: Expr; readonly mod: number; readonly seed?: number; readonly offset?: number; readonly range?: SourceRange }
  /** `ipsec in reqid`, `ipsec out spnum 1 ip daddr` */
  | { readonly kind: 'ipsec'; readonly dir: 'in' | 'out'; readonly key: string; readonly family?: 'ip' | 'ip6'; readonly spnum?: number; readonly range?: SourceRange }
  /** `tunnel path`, `tunnel id` */
  | { readonly kind: 'tunnel'; readonly key: string; readonly range?: SourceRange }
  /** `10.0.0.0/8` */
  | { readonly kind: 'prefix'; readonly expr: Expr; readonly len: number; readonly range?: SourceRange }
  /** `1024-65535`, `10.0.0.1-10.0.0.9` */
  | { readonly kind: 'range'; readonly from: Expr; readonly to: Expr; readonly range?: SourceRange }
  /** `ip saddr . tcp dport` */
  | { readonly kind: 'concat'; readonly items: readonly Expr[]; readonly range?: SourceRange }
  /** Anonymous set literal `{ a, b, c }`. Elements are expressions, or `elem` when they carry options. */
  | { readonly kind: 'set'; readonly items: readonly Expr[]; readonly range?: SourceRange }
  /** A set element with options: `10.0.0.1 timeout 1m comment "x"`. In a map, `data` is its value. */
  | { readonly kind: 'elem'; readonly value: Expr; readonly timeout?: number; readonly expires?: number; readonly comment?: string; readonly counter?: { readonly packets: number; readonly bytes: number }; readonly stmts?: readonly Stmt[];
      /** ipset per-element options without an nftables equivalent: `nomatch`, `wildcard`, `physdev` (the
       *  interface part of hash:net,iface is a bridge port), `skbmark`, `skbprio`, `skbqueue`. */
      readonly ipset?: Readonly<Record<string, string | number | boolean>>;
      readonly range?: SourceRange }
  /** A map entry inside a set literal: `key : data`. */
  | { readonly kind: 'mapping'; readonly key: Expr; readonly data: Expr; readonly range?: SourceRange }
  /** Reference to a named set/map: `@blocklist`. */
  | { readonly kind: 'setref'; readonly name: string; readonly range?: SourceRange }
  /** Map lookup used as a value: `ip daddr map { 10.0.0.1 : 192.168.0.1 }`, `dnat to ip saddr map @m`. */
  | { readonly kind: 'map'; readonly key: Expr; readonly data: Expr; readonly range?: SourceRange }
  /** `&`, `|`, `^`, `<<`, `>>`. nft prints `a & b` left-associative. */
  | { readonly kind: 'binop'; readonly op: BinOp; readonly left: Expr; readonly right: Expr; readonly range?: SourceRange }
  /** Comma list of flag/symbol values without braces: `established,related`, `syn,ack`. */
  | { readonly kind: 'list'; readonly items: readonly Expr[]; readonly range?: SourceRange }
  /** A verdict as a value (map data): `accept`, `goto chain-x`. */
  | { readonly kind: 'verdict'; readonly verdict: Verdict; readonly range?: SourceRange }
  /** iptables match without an nftables equivalent (statistic, recent, string, u32, …), structured options. */
  | { readonly kind: 'xt'; readonly name: string; readonly options: Readonly<Record<string, XtOption>>; readonly text: string; readonly range?: SourceRange }
  /** A construct nflens does not understand: kept verbatim with a warning, never silently dropped. */
  | { readonly kind: 'opaque'; readonly text: string; readonly range?: SourceRange };

export type ExprKind = Expr['kind'];
export type ExprOf<K extends ExprKind> = Extract<Expr, { kind: K }>;

export type BinOp = '&' | '|' | '^' | '<<' | '>>';

/** Relational operators. `implicit` never appears after parsing: the parser resolves it
 *  to `==` (plain values, sets), or `in` (bitmask types such as ct state, tcp flags: "any of these bits"),
 *  exactly as `nft -j` prints them. `!` is "none of these bits" on a bitmask (`ct status ! dnat`). */
export type RelOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | '!';

/** An option of an xt (iptables) match or target: a value, possibly negated with `!`. Numeric ranges
 *  (`--length 4:100`, `--ctexpire 3:4`) and value/mask pairs (`--tos 0x10/0x3f`) are `[a, b]` numbers. */
export interface XtOption {
  readonly value: string | number | boolean | readonly string[] | readonly number[];
  readonly negated?: boolean;
}

// ───────────────────────────── verdicts and statements ─────────────────────────────

export type Verdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'continue' }
  | { readonly kind: 'return' }
  | { readonly kind: 'jump'; readonly target: string }
  | { readonly kind: 'goto'; readonly target: string }
  /** `queue` as a verdict value in a vmap (rare). The `queue` statement is a Stmt. */
  | { readonly kind: 'queue' };

export type Stmt =
  /** A match: `tcp dport 22`, `ip saddr != 10.0.0.0/8`, `ct state established,related`. */
  | { readonly kind: 'match'; readonly op: RelOp; readonly left: Expr; readonly right: Expr; readonly range?: SourceRange }
  /** A verdict statement: `accept`, `jump x`, `goto y`. */
  | { readonly kind: 'verdict'; readonly verdict: Verdict; readonly range?: SourceRange }
  /** `ip daddr vmap { … }` / `vmap @name`: verdict chosen by a map lookup. */
  | { readonly kind: 'vmap'; readonly key: Expr; readonly data: Expr; readonly range?: SourceRange }
  /** `counter` or `counter packets 1 bytes 2`; a named counter reference is `objref`. */
  | { readonly kind: 'counter'; readonly packets?: number; readonly bytes?: number; readonly range?: SourceRange }
  /** `meta mark set …`, `ct mark set …`, `ip dscp set …`, `tcp option maxseg size set …`. */
  | { readonly kind: 'mangle'; readonly key: Expr; readonly value: Expr; readonly range?: SourceRange }
  /** `log prefix "x" level info group 2 …` */
  | { readonly kind: 'log'; readonly prefix?: string; readonly level?: string; readonly group?: number; readonly snaplen?: number; readonly queueThreshold?: number; readonly flags?: readonly string[]; readonly range?: SourceRange }
  /** `limit rate [over] 10/second burst 5 packets`, `limit rate 1 mbytes/second` */
  | { readonly kind: 'limit'; readonly rate: number; readonly per: string; readonly rateUnit?: string; readonly burst?: number; readonly burstUnit?: string; readonly inv?: boolean; readonly range?: SourceRange }
  /** `quota [over] 10 mbytes [used 1 mbytes]` */
  | { readonly kind: 'quota'; readonly val: number; readonly valUnit: string; readonly used?: number; readonly usedUnit?: string; readonly inv?: boolean; readonly range?: SourceRange }
  /** `snat`/`dnat`/`masquerade`/`redirect` with optional address, port, flags. */
  | { readonly kind: 'nat'; readonly type: 'snat' | 'dnat' | 'masquerade' | 'redirect'; readonly family?: 'ip' | 'ip6'; readonly addr?: Expr; readonly port?: Expr; readonly flags?: readonly string[]; readonly typeFlags?: readonly string[]; readonly range?: SourceRange }
  /** `reject`, `reject with icmp type port-unreachable`, `reject with tcp reset`. */
  | { readonly kind: 'reject'; readonly type?: 'icmp' | 'icmpv6' | 'icmpx' | 'tcp reset'; readonly expr?: string; readonly range?: SourceRange }
  /** `notrack` */
  | { readonly kind: 'notrack'; readonly range?: SourceRange }
  /** `queue num 1-3 flags bypass,fanout`, `queue to jhash … ` */
  | { readonly kind: 'queue'; readonly num?: Expr; readonly flags?: readonly string[]; readonly range?: SourceRange }
  /** `dup to 10.0.0.1 device eth0` */
  | { readonly kind: 'dup'; readonly addr?: Expr; readonly dev?: Expr; readonly range?: SourceRange }
  /** `fwd to eth0`, `fwd ip to 10.0.0.1 device eth0` */
  | { readonly kind: 'fwd'; readonly dev: Expr; readonly family?: 'ip' | 'ip6'; readonly addr?: Expr; readonly range?: SourceRange }
  /** Dynamic set/map update from the packet path: `add @s { ip saddr timeout 10s }`, `update @m { k : v }`. */
  | { readonly kind: 'set'; readonly op: 'add' | 'update' | 'delete'; readonly set: string; readonly elem: Expr; readonly data?: Expr; readonly stmts?: readonly Stmt[]; readonly isMap?: boolean; readonly range?: SourceRange }
  /** `meter name size N { key stmt }` (old syntax of dynamic sets). */
  | { readonly kind: 'meter'; readonly name: string; readonly key: Expr; readonly stmt: Stmt; readonly size?: number; readonly range?: SourceRange }
  /** `tproxy ip to 10.0.0.1:8080` */
  | { readonly kind: 'tproxy'; readonly family?: 'ip' | 'ip6'; readonly addr?: Expr; readonly port?: Expr; readonly range?: SourceRange }
  /** `synproxy mss 1460 wscale 7 timestamp sack-perm` */
  | { readonly kind: 'synproxy'; readonly mss?: number; readonly wscale?: number; readonly flags?: readonly string[]; readonly range?: SourceRange }
  /** Reference to a named stateful object: `counter name "c"`, `quota name …`, `ct helper set "ftp"`,
   *  `ct timeout set …`, `ct expectation set …`, `synproxy name …`, `meta secmark set …`, `limit name`. */
  | { readonly kind: 'objref'; readonly type: ObjectType; readonly name: Expr; readonly range?: SourceRange }
  /** `ct count [over] 10` */
  | { readonly kind: 'connlimit'; readonly val: number; readonly inv?: boolean; readonly range?: SourceRange }
  /** `flow add @ft` (flowtable offload) */
  | { readonly kind: 'flow'; readonly op: 'add'; readonly flowtable: string; readonly range?: SourceRange }
  /** `last used 1s` / `last` */
  | { readonly kind: 'last'; readonly used?: number; readonly range?: SourceRange }
  /** iptables-nft compat `xt match "x"`, or an iptables target without nftables equivalent (TCPMSS, CLASSIFY, …). */
  | { readonly kind: 'xt'; readonly type: 'match' | 'target' | 'watcher'; readonly name: string; readonly options: Readonly<Record<string, XtOption>>; readonly text: string; readonly range?: SourceRange }
  /** A statement nflens does not understand: kept verbatim with a warning. */
  | { readonly kind: 'opaque'; readonly text: string; readonly range?: SourceRange };

export type StmtKind = Stmt['kind'];
export type StmtOf<K extends StmtKind> = Extract<Stmt, { kind: K }>;

// ───────────────────────────── ruleset objects ─────────────────────────────

/** A chain's priority as a number, with the form it was written in (`dstnat`, `filter - 10`, `-100`). */
export interface Priority {
  readonly value: number;
  /** The written form when symbolic, e.g. `srcnat`, `mangle - 5`; absent when written as a plain number. */
  readonly text?: string;
}

export interface BaseChainSpec {
  readonly type: 'filter' | 'nat' | 'route';
  readonly hook: string; // prerouting, input, forward, output, postrouting, ingress, egress
  readonly priority: Priority;
  /** netdev/inet ingress and egress: device(s). */
  readonly devices?: readonly string[];
  readonly policy?: 'accept' | 'drop';
}

export interface Rule {
  readonly kind: 'rule';
  readonly stmts: readonly Stmt[];
  readonly handle?: number;
  readonly comment?: string;
  /** iptables: the rule as written (for printing back to save format), and its counters `[p:b]`. */
  readonly xt?: XtRuleSource;
  readonly range?: SourceRange;
}

/** How an iptables rule was written, kept so that it prints back the same way. */
export interface XtRuleSource {
  /** The rule's arguments after `-A CHAIN`, tokenised (quotes removed). */
  readonly args: readonly string[];
  readonly counters?: { readonly packets: number; readonly bytes: number };
}

export interface Chain {
  readonly kind: 'chain';
  readonly name: string;
  readonly handle?: number;
  /** Present for base chains only. */
  readonly base?: BaseChainSpec;
  readonly rules: readonly Rule[];
  readonly comment?: string;
  readonly flags?: readonly string[];
  /** iptables `:CHAIN POLICY [p:b]` counters. */
  readonly counters?: { readonly packets: number; readonly bytes: number };
  readonly range?: SourceRange;
}

/** A type written as `type ipv4_addr . inet_service` (names) or `typeof ip saddr . tcp dport` (exprs). */
export type TypeSpec =
  | { readonly kind: 'type'; readonly names: readonly string[] }
  | { readonly kind: 'typeof'; readonly expr: Expr };

/** A named set, map or verdict map (vmap = map whose data type is `verdict`). */
export interface NamedSet {
  readonly kind: 'set' | 'map';
  readonly name: string;
  readonly handle?: number;
  readonly key: TypeSpec;
  /** Maps only: data type (`verdict` for a vmap; `counter`/`quota`/… for object maps). */
  readonly data?: TypeSpec;
  /** For object maps: the object type of the data (`counter`, `quota`, `ct helper`…). */
  readonly objectData?: ObjectType;
  readonly flags?: readonly string[];
  readonly timeout?: number;
  readonly gcInterval?: number;
  readonly size?: number;
  readonly policy?: 'performance' | 'memory';
  readonly autoMerge?: boolean;
  /** Statements attached to every element (`counter`, `quota …`). */
  readonly stmts?: readonly Stmt[];
  /** Elements: for sets, keys (possibly `elem`/`prefix`/`range`); for maps, `mapping` entries. */
  readonly elements: readonly Expr[];
  readonly comment?: string;
  /** ipset: the ipset type (`hash:ip,port`) and options, when the set came from `ipset save`. */
  readonly ipset?: IpsetInfo;
  readonly range?: SourceRange;
}

export interface IpsetInfo {
  /** Canonical type name (`hash:ip,port`), also when an old alias (`ipporthash`) was written. */
  readonly type: string;
  /** Create options in the order written (`family`, `hashsize`, `maxelem`, `timeout`, `counters`, `range`…):
   *  numbers stay numbers, flags are `true`, the rest (`range`, `initval`, `bitmask`, `family`) strings. */
  readonly options: Readonly<Record<string, string | number | boolean>>;
  /** Only `ipset list` shows these (not `ipset save`): set type revision, `References:` (how many
   *  iptables rules / list:sets use the set), `Size in memory:`, `Number of entries:` (with `-terse`
   *  the only hint of the members, which are not listed). */
  readonly revision?: number;
  readonly references?: number;
  readonly memory?: number;
  readonly entries?: number;
}

export interface Flowtable {
  readonly kind: 'flowtable';
  readonly name: string;
  readonly handle?: number;
  readonly hook: string;
  readonly priority: Priority;
  readonly devices: readonly string[];
  readonly flags?: readonly string[];
  readonly counter?: boolean;
  readonly range?: SourceRange;
}

export type ObjectType =
  | 'counter' | 'quota' | 'limit' | 'ct helper' | 'ct timeout' | 'ct expectation' | 'synproxy' | 'secmark' | 'tunnel';

/** A named stateful object. Properties use the names nft -j uses for that object. */
export interface NamedObject {
  readonly kind: 'object';
  readonly type: ObjectType;
  readonly name: string;
  readonly handle?: number;
  readonly props: Readonly<Record<string, Literal | readonly Literal[] | Readonly<Record<string, Literal>>>>;
  readonly comment?: string;
  readonly range?: SourceRange;
}

export interface Table {
  readonly kind: 'table';
  readonly family: Family;
  readonly name: string;
  readonly handle?: number;
  readonly flags?: readonly string[];
  readonly comment?: string;
  readonly origin?: TableOrigin;
  readonly chains: readonly Chain[];
  readonly sets: readonly NamedSet[];
  readonly flowtables: readonly Flowtable[];
  readonly objects: readonly NamedObject[];
  readonly range?: SourceRange;
}

// ───────────────────────────── IPVS ─────────────────────────────

export interface IpvsService {
  readonly kind: 'ipvs-service';
  /** TCP, UDP, SCTP with `addr:port`, or FWM with a firewall mark. */
  readonly protocol: 'tcp' | 'udp' | 'sctp' | 'fwm';
  readonly addr?: string;
  readonly port?: number;
  readonly fwmark?: number;
  readonly family?: 'ip' | 'ip6';
  readonly scheduler: string;
  /** `netmask` is a dotted IPv4 mask or an IPv6 prefix length, as ipvsadm prints it. */
  readonly persistent?: { readonly timeout: number; readonly netmask?: string };
  /** Scheduler flags (`sh-fallback`, `sh-port`, `mh-fallback`, `mh-port`, `flag-1`…) and `ops`. */
  readonly flags?: readonly string[];
  /** Persistence engine (`--pe sip`). */
  readonly pe?: string;
  readonly reals: readonly IpvsReal[];
  /** `--stats` (conns, inpkts, outpkts, inbytes, outbytes) and `--rate` (cps, inpps, outpps, inbps, outbps). */
  readonly stats?: Readonly<Record<string, number>>;
  /** Fields the dump did not show (`--stats`/`--rate` listings print no scheduler): they hold ipvsadm's
   *  defaults (`wlc`), and consumers must not present them as facts. */
  readonly notShown?: readonly string[];
  readonly range?: SourceRange;
}

export interface IpvsReal {
  readonly kind: 'ipvs-real';
  readonly addr: string;
  readonly port: number;
  readonly method: 'masq' | 'route' | 'tunnel' | 'local' | 'bypass';
  readonly weight: number;
  readonly activeConns?: number;
  readonly inactiveConns?: number;
  /** Connection thresholds (`-x`/`-y`, `--thresholds` listing); 0 or absent = not set. */
  readonly uThreshold?: number;
  readonly lThreshold?: number;
  /** Tunnel encapsulation of a `tunnel` real server (`--tun-type gue --tun-port 6080 --tun-csum`). */
  readonly tunnel?: { readonly type: 'ipip' | 'gue' | 'gre'; readonly port?: number; readonly csum?: 'nocsum' | 'csum' | 'remcsum' };
  /** Like stats plus `persistconns` (`--persistent-conn` listing). */
  readonly stats?: Readonly<Record<string, number>>;
  /** Fields the dump did not show (e.g. `--stats` prints no forward method or weight): they hold
   *  ipvsadm's defaults (`route`, weight 1), and consumers must not present them as facts. */
  readonly notShown?: readonly string[];
  readonly range?: SourceRange;
}

// ───────────────────────────── ruleset, sources, diagnostics ─────────────────────────────

/** What one source (one pasted dump) contributes. */
export interface Ruleset {
  readonly tables: readonly Table[];
  readonly ipvs: readonly IpvsService[];
  /** Top-level constructs the parser did not understand (e.g. an unknown object type in nft JSON), kept
   *  verbatim with a warning, never dropped. Absent when there are none. */
  readonly opaque?: readonly OpaqueItem[];
  /** iptables-nft-save printed "# Warning: iptables-legacy tables present": the host also runs
   *  iptables-legacy rules that this dump does not show (both sets of hooks see every packet). */
  readonly legacyTablesPresent?: boolean;
}

/** A top-level construct kept verbatim (see `Ruleset.opaque`). */
export interface OpaqueItem {
  readonly text: string;
  readonly range?: SourceRange;
}

export type Severity = 'error' | 'warning' | 'info';

/** A diagnostic is a value, never an exception. Codes are stable (see parse/diagnosticCodes.ts). */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly range: SourceRange;
  /** Another place that explains this one, e.g. the `{` of an unclosed block. */
  readonly related?: { readonly message: string; readonly range: SourceRange };
}

export type SourceFormat = 'nft' | 'nft-json' | 'iptables' | 'ipset' | 'ipvs';

export interface ParseResult {
  readonly ruleset: Ruleset;
  readonly diagnostics: readonly Diagnostic[];
}

/** One named input of the workspace, e.g. "nft list ruleset" or "node-1 iptables-save". */
export interface Source {
  readonly id: string;
  readonly name: string;
  readonly format: SourceFormat;
  readonly text: string;
}

export function emptyRuleset(): Ruleset {
  return { tables: [], ipvs: [] };
}

/** Exhaustiveness check for `switch` on a discriminated union. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

/** A source after parsing. */
export interface ParsedSource {
  readonly source: Source;
  readonly result: ParseResult;
}

/** Everything the user pasted: several sources that together describe one host
 *  (e.g. `nft list ruleset` + `iptables-legacy-save` + `ipset save` + `ipvsadm -Ln`). */
export interface Workspace {
  readonly sources: readonly ParsedSource[];
}
