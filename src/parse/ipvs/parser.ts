// ipvsadm text → IR IPVS services: the listing `ipvsadm -Ln` (also with --stats, --rate, --thresholds,
// --persistent-conn, --tun-info) and the rules form `ipvsadm -Sn` / `ipvsadm-save -n` (and `ipvsadm -R`
// input: -A/-E/-D/-C/-a/-e/-d lines, optionally starting with `ipvsadm`). Column layouts follow
// ipvsadm 1.31's print_title / print_service_entry (ipvsadm.c): the service line is
// `PROT  ADDR:PORT SCHED [(FLAGS)] [persistent T [mask M] [pe E]] [ops]`, real lines `  -> ADDR:PORT …`.
// Pure; imports the model, the diagnostics bag and the address helpers.
import type { IpvsReal, IpvsService, SourceRange } from '../../model/ir.ts';
import { isIPv4, isIPv6, parseUint } from '../address.ts';
import { DiagnosticBag } from '../diagnostics.ts';
import { IPV } from './messages.ts';
import { lookupTable } from '../../model/lookup.ts';

type Method = IpvsReal['method'];
type Protocol = IpvsService['protocol'];
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type RealState = Mutable<Omit<IpvsReal, 'stats' | 'notShown'>> & { stats?: Record<string, number>; notShown?: string[] };
type ServiceState = Mutable<Omit<IpvsService, 'reals' | 'flags' | 'stats' | 'notShown'>> & {
  reals: RealState[];
  flags: string[];
  stats?: Record<string, number>;
  notShown?: string[];
};

/** Which columns the listing has, from its title line. */
type ListMode = 'list' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn';

/** ipvsadm's defaults (ipvsadm.c: DEF_SCHED, direct routing, weight 1, persistence 300 s). */
const DEFAULT_SCHEDULER = 'wlc';
const DEFAULT_METHOD: Method = 'route';
const DEFAULT_WEIGHT = 1;
const DEFAULT_PERSISTENCE = 300;

const FORWARD_NAMES: Readonly<Record<string, Method>> = lookupTable({ Masq: 'masq', Route: 'route', Tunnel: 'tunnel', Local: 'local', Bypass: 'bypass' });

/** Service names `ipvsadm -L` (without -n) prints, from /etc/services, for the common ports. */
const PORT_NAMES: Readonly<Record<string, number>> = lookupTable({
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, pop3: 110, ntp: 123, imap2: 143, snmp: 161, ldap: 389,
  https: 443, submission: 587, ldaps: 636, imaps: 993, pop3s: 995, mysql: 3306, postgresql: 5432, 'http-alt': 8080,
});

export function parseIpvsServices(text: string): { services: IpvsService[]; bag: DiagnosticBag } {
  return new IpvsParser(text).run();
}

interface Token {
  readonly text: string;
  readonly range: SourceRange;
}

class IpvsParser {
  private readonly bag = new DiagnosticBag();
  /** Services by key (protocol, address, port or mark) in the order they were defined: a Map keeps the
   *  lookup per line constant, so that a dump of tens of thousands of services parses in linear time. */
  private readonly services = new Map<string, ServiceState>();
  /** The real servers of each service by `addr port`, for the same reason (command form `-a`/`-e`/`-d`). */
  private readonly realsOf = new WeakMap<ServiceState, Map<string, RealState>>();
  private current: ServiceState | undefined;
  private mode: ListMode = 'list';
  private tunInfo = false;
  /** Inside `ipvsadm -Lnc` connection entries, skipped up to the next blank or title line. */
  private inConnections = false;

  constructor(private readonly text: string) {}

  run(): { services: IpvsService[]; bag: DiagnosticBag } {
    let start = 0;
    while (start <= this.text.length) {
      let end = this.text.indexOf('\n', start);
      if (end < 0) end = this.text.length;
      const raw = this.text.slice(start, end);
      this.parseLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, start);
      start = end + 1;
    }
    return { services: [...this.services.values()].map(freezeService), bag: this.bag };
  }

  private parseLine(line: string, lineStart: number): void {
    const tokens = tokenize(line, lineStart);
    const first = tokens[0];
    if (!first) {
      this.inConnections = false;
      return;
    }
    const trimmed = line.trim();
    const lineRange = { start: first.range.start, end: (tokens[tokens.length - 1] as Token).range.end };
    if (trimmed.startsWith('#')) return;
    if (/^IP Virtual Server version/.test(trimmed)) {
      this.mode = 'list';
      this.tunInfo = false;
      this.inConnections = false;
      return;
    }
    if (first.text === 'Prot' && tokens[1]?.text === 'LocalAddress:Port') return this.parseTitle(tokens.slice(2), lineRange);
    if (first.text === '->' && tokens[1]?.text === 'RemoteAddress:Port') {
      this.tunInfo = tokens.some((t) => t.text === 'TunnelInfo');
      return;
    }
    if (trimmed === 'IPVS connection entries') {
      this.bag.info(IPV.ignoredListing('the connection table (ipvsadm -Lc)').code, IPV.ignoredListing('the connection table (ipvsadm -Lc)').message, lineRange);
      this.inConnections = true;
      return;
    }
    if (this.inConnections) return;
    if (/^Timeout \(tcp tcpfin udp\):/.test(trimmed) || /^(master|backup) sync daemon/.test(trimmed)) {
      const m = IPV.ignoredListing(`'${trimmed}'`);
      this.bag.info(m.code, m.message, lineRange);
      return;
    }
    if (first.text === '->') return this.parseRealLine(tokens.slice(1), lineRange);
    if (/^(TCP|UDP|SCTP)$/.test(first.text) || first.text === 'FWM') return this.parseServiceLine(tokens, lineRange);
    const args = first.text === 'ipvsadm' ? tokens.slice(1) : tokens;
    if (args[0]?.text.startsWith('-')) return this.parseCommand(args, lineRange);
    this.error(IPV.unexpectedLine(trimmed), lineRange);
  }

  private parseTitle(columns: readonly Token[], range: SourceRange): void {
    const names = columns.map((c) => c.text);
    this.mode = names.includes('Conns') ? 'stats' : names.includes('CPS') ? 'rate' : names.includes('Uthreshold') ? 'thresholds' : names.includes('PersistConn') ? 'persistent-conn' : 'list';
    this.tunInfo = false;
    const hidden = this.mode === 'stats' || this.mode === 'rate' ? 'the scheduler, forwarding method and weight' : this.mode === 'thresholds' ? 'the forwarding method and weight' : this.mode === 'persistent-conn' ? 'the forwarding method' : undefined;
    if (hidden) this.bag.info(IPV.notShown(hidden).code, IPV.notShown(hidden).message, range);
  }

  // ───────────── listing lines ─────────────

  private parseServiceLine(tokens: readonly Token[], range: SourceRange): void {
    const [protoToken, target] = tokens;
    if (!protoToken || !target) {
      this.error(IPV.missingColumns('PROT ADDRESS:PORT'), range);
      return;
    }
    let rest = tokens.slice(2);
    let service: ServiceState;
    if (protoToken.text === 'FWM') {
      const mark = parseUint(target.text);
      if (mark === undefined) {
        this.error(IPV.badNumber('firewall mark', target.text), target.range);
        return;
      }
      const ipv6 = rest[0]?.text === 'IPv6';
      if (ipv6) rest = rest.slice(1);
      service = newService({ protocol: 'fwm', fwmark: mark, family: ipv6 ? 'ip6' : 'ip' }, range);
    } else {
      const endpoint = this.endpoint(target);
      if (!endpoint) return;
      service = newService({ protocol: protoToken.text.toLowerCase() as Protocol, addr: endpoint.addr, port: endpoint.port ?? 0, family: endpoint.family }, range);
    }
    if (this.mode === 'stats' || this.mode === 'rate') {
      service.notShown = ['scheduler'];
      const stats = this.numbers(rest, 5, range, true);
      if (stats) service.stats = zip(this.mode === 'stats' ? STATS_KEYS : RATE_KEYS, stats);
    } else {
      this.serviceAttributes(service, rest);
    }
    this.addService(service, range);
  }

  /** `SCHED [(FLAGS)] [persistent T [mask M] [pe E]] [ops]` (ipvsadm.c print_service_entry). */
  private serviceAttributes(service: ServiceState, rest: readonly Token[]): void {
    const [scheduler, ...attributes] = rest;
    if (scheduler) service.scheduler = scheduler.text;
    else service.notShown = ['scheduler'];
    for (let i = 0; i < attributes.length; i++) {
      const token = attributes[i] as Token;
      const next = attributes[i + 1];
      const flagList = /^\((.*)\)$/.exec(token.text);
      if (flagList) {
        service.flags.push(...(flagList[1] as string).split(',').filter((f) => f !== ''));
      } else if (token.text === 'persistent' && next) {
        const timeout = this.number('persistence timeout', next);
        service.persistent = { timeout: timeout ?? DEFAULT_PERSISTENCE };
        i++;
      } else if (token.text === 'mask' && next && service.persistent) {
        service.persistent = { ...service.persistent, netmask: next.text };
        i++;
      } else if (token.text === 'pe' && next) {
        service.pe = next.text;
        i++;
      } else if (token.text === 'ops') {
        service.flags.push('ops');
      } else {
        this.bag.warning(IPV.unknownServiceFlag(token.text).code, IPV.unknownServiceFlag(token.text).message, token.range);
        service.flags.push(token.text);
      }
    }
  }

  private parseRealLine(tokens: readonly Token[], range: SourceRange): void {
    const service = this.current;
    if (!service) {
      this.error(IPV.realWithoutService(), range);
      return;
    }
    const [target, ...rest] = tokens;
    if (!target) {
      this.error(IPV.missingColumns('-> ADDRESS:PORT'), range);
      return;
    }
    const endpoint = this.endpoint(target);
    if (!endpoint) return;
    const real: RealState = { kind: 'ipvs-real', addr: endpoint.addr, port: endpoint.port ?? 0, method: DEFAULT_METHOD, weight: DEFAULT_WEIGHT, range };
    switch (this.mode) {
      case 'list': {
        const [forward, ...numbers] = rest;
        const method = forward ? this.forward(forward) : undefined;
        if (!forward || !method) {
          if (!forward) this.error(IPV.missingColumns('Forward Weight ActiveConn InActConn'), range);
          return;
        }
        real.method = method;
        let columns = numbers;
        if (this.tunInfo) {
          const [info, ...after] = numbers;
          if (info && info.text !== 'n/a') real.tunnel = parseTunnelInfo(info.text);
          columns = after;
        }
        const values = this.numbers(columns, 3, range, false);
        if (!values) return;
        [real.weight, real.activeConns, real.inactiveConns] = values as [number, number, number];
        break;
      }
      case 'stats':
      case 'rate': {
        real.notShown = ['method', 'weight'];
        const values = this.numbers(rest, 5, range, true);
        if (values) real.stats = zip(this.mode === 'stats' ? STATS_KEYS : RATE_KEYS, values);
        break;
      }
      case 'thresholds': {
        real.notShown = ['method', 'weight'];
        const values = this.numbers(rest, 4, range, false);
        if (values) [real.uThreshold, real.lThreshold, real.activeConns, real.inactiveConns] = values as [number, number, number, number];
        break;
      }
      case 'persistent-conn': {
        real.notShown = ['method'];
        const values = this.numbers(rest, 4, range, false);
        if (!values) return;
        const [weight, persistconns, active, inactive] = values as [number, number, number, number];
        real.weight = weight;
        real.stats = { persistconns };
        real.activeConns = active;
        real.inactiveConns = inactive;
        break;
      }
    }
    service.reals.push(real);
    this.realsOf.get(service)?.set(`${real.addr} ${real.port}`, real);
    service.range = { start: service.range?.start ?? range.start, end: range.end };
  }

  private forward(token: Token): Method | undefined {
    const method = Object.prototype.hasOwnProperty.call(FORWARD_NAMES, token.text) ? FORWARD_NAMES[token.text] : undefined;
    if (!method) this.error(IPV.badForward(token.text), token.range);
    return method;
  }

  /** `count` numeric columns; `large` allows ipvsadm's K/M/G/T abbreviations (print_largenum). */
  private numbers(tokens: readonly Token[], count: number, range: SourceRange, large: boolean): number[] | undefined {
    if (tokens.length < count) {
      this.error(IPV.missingColumns(`${count} numbers`), range);
      return undefined;
    }
    const values: number[] = [];
    for (const token of tokens.slice(0, count)) {
      const value = large ? parseLargeNumber(token.text) : /^-?\d+$/.test(token.text) ? Number(token.text) : undefined;
      if (value === undefined) {
        this.error(IPV.badNumber('number', token.text), token.range);
        return undefined;
      }
      values.push(value);
    }
    return values;
  }

  private number(what: string, token: Token): number | undefined {
    const value = parseUint(token.text);
    if (value === undefined) this.error(IPV.badNumber(what, token.text), token.range);
    return value;
  }

  private endpoint(token: Token): Endpoint | undefined {
    const endpoint = parseEndpoint(token.text);
    if (!endpoint) {
      this.error(IPV.badAddress(token.text), token.range);
      return undefined;
    }
    if (endpoint.hostName) this.bag.warning(IPV.hostName(endpoint.addr).code, IPV.hostName(endpoint.addr).message, token.range);
    if (endpoint.portName !== undefined) {
      const port = PORT_NAMES[endpoint.portName];
      if (port === undefined) this.bag.warning(IPV.portName(endpoint.portName).code, IPV.portName(endpoint.portName).message, token.range);
      return { ...endpoint, port: port ?? 0 };
    }
    return endpoint;
  }

  private addService(service: ServiceState, range: SourceRange): void {
    const key = serviceKey(service);
    if (this.services.has(key)) {
      this.bag.warning(IPV.duplicateService(describeService(service)).code, IPV.duplicateService(describeService(service)).message, range);
      // The later definition wins and is listed last, as if the first had been deleted.
      this.services.delete(key);
    }
    this.services.set(key, service);
    this.current = service;
  }

  // ───────────── ipvsadm -Sn / -R lines ─────────────

  private parseCommand(args: readonly Token[], range: SourceRange): void {
    const cmd = readCommandLine(args);
    for (const e of cmd.errors) this.error(e.message, e.range);
    if (cmd.errors.length > 0) return;
    if (!cmd.command) {
      this.error(IPV.noCommand(), range);
      return;
    }
    if (cmd.command === 'C') {
      this.services.clear();
      this.current = undefined;
      return;
    }
    if (cmd.command === 'list') return; // -L, -S, -Z, -n … in a restore file change nothing
    if (!cmd.service) {
      this.error(IPV.noService(`-${cmd.command}`), range);
      return;
    }
    const target = this.endpointOf(cmd.service, range);
    if (!target) return;
    const key = serviceKey(target);
    const existing = this.services.get(key);
    switch (cmd.command) {
      case 'A':
        applyServiceOptions(target, cmd.options);
        this.addService(target, range);
        return;
      case 'E':
        if (!existing) return this.error(IPV.serviceNotDefined(describeService(target)), range);
        applyServiceOptions(existing, cmd.options);
        return;
      case 'D':
        if (!existing) return this.error(IPV.serviceNotDefined(describeService(target)), range);
        this.services.delete(key);
        return;
      case 'a':
      case 'e':
      case 'd':
        return this.realCommand(cmd.command, existing, target, cmd.options, range);
    }
  }

  private endpointOf(spec: ServiceSpec, range: SourceRange): ServiceState | undefined {
    if (spec.protocol === 'fwm') {
      const mark = parseUint(spec.value.text);
      if (mark === undefined || mark === 0) {
        this.error(IPV.badNumber('firewall mark', spec.value.text), spec.value.range);
        return undefined;
      }
      return newService({ protocol: 'fwm', fwmark: mark, family: spec.ipv6 ? 'ip6' : 'ip' }, range);
    }
    const endpoint = this.endpoint(spec.value);
    if (!endpoint) return undefined;
    return newService({ protocol: spec.protocol, addr: endpoint.addr, port: endpoint.port ?? 0, family: endpoint.family }, range);
  }

  private realCommand(command: 'a' | 'e' | 'd', service: ServiceState | undefined, target: ServiceState, options: ReadonlyMap<string, Token | true>, range: SourceRange): void {
    if (!service) {
      this.error(IPV.serviceNotDefined(describeService(target)), range);
      return;
    }
    const server = options.get('r');
    if (!server || server === true) {
      this.error(IPV.noRealServer(), range);
      return;
    }
    const endpoint = this.endpoint(server);
    if (!endpoint) return;
    const method: Method = options.has('m') ? 'masq' : options.has('i') ? 'tunnel' : DEFAULT_METHOD;
    // Direct routing and tunnelling cannot change the port: ipvsadm uses the service's (process_options).
    const port = service.protocol !== 'fwm' && (method === 'route' || method === 'tunnel') ? (service.port ?? 0) : (endpoint.port ?? (service.protocol === 'fwm' ? 0 : (service.port ?? 0)));
    const reals = this.realIndex(service);
    const realKey = `${endpoint.addr} ${port}`;
    const existing = reals.get(realKey);
    if (command === 'd' || command === 'e') {
      if (!existing) {
        this.bag.warning(IPV.missingReal(server.text).code, IPV.missingReal(server.text).message, server.range);
        return;
      }
      if (command === 'd') {
        service.reals.splice(service.reals.indexOf(existing), 1);
        reals.delete(realKey);
        return;
      }
    }
    const real: RealState = command === 'e' && existing ? existing : { kind: 'ipvs-real', addr: endpoint.addr, port, method, weight: DEFAULT_WEIGHT, range };
    if (command === 'e' && (options.has('m') || options.has('i') || options.has('g'))) real.method = method;
    const number = (name: string): number | undefined => {
      const token = options.get(name);
      return token && token !== true ? this.number(name, token) : undefined;
    };
    const weight = number('w');
    if (weight !== undefined) real.weight = weight;
    const upper = number('x');
    if (upper !== undefined) real.uThreshold = upper;
    const lower = number('y');
    if (lower !== undefined) real.lThreshold = lower;
    const tunType = options.get('tun-type');
    if (real.method === 'tunnel' && tunType && tunType !== true) {
      const type = tunType.text as 'ipip' | 'gue' | 'gre';
      const tunPort = number('tun-port');
      const csum = options.has('tun-remcsum') ? 'remcsum' : options.has('tun-csum') ? 'csum' : options.has('tun-nocsum') ? 'nocsum' : undefined;
      real.tunnel = { type, ...(tunPort !== undefined ? { port: tunPort } : {}), ...(csum ? { csum } : {}) };
    }
    if (command === 'a') {
      if (existing) service.reals.splice(service.reals.indexOf(existing), 1, real);
      else service.reals.push(real);
      reals.set(realKey, real);
    }
  }

  /** The index of a service's real servers by `addr port`, built on first use from the list. */
  private realIndex(service: ServiceState): Map<string, RealState> {
    let index = this.realsOf.get(service);
    if (!index) {
      index = new Map(service.reals.map((r) => [`${r.addr} ${r.port}`, r]));
      this.realsOf.set(service, index);
    }
    return index;
  }

  private error(m: { code: string; message: string }, range: SourceRange): void {
    this.bag.error(m.code, m.message, range);
  }
}

// ───────────── helpers ─────────────

const STATS_KEYS = ['conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes'];
const RATE_KEYS = ['cps', 'inpps', 'outpps', 'inbps', 'outbps'];

function zip(keys: readonly string[], values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  keys.forEach((k, i) => (out[k] = values[i] ?? 0));
  return out;
}

function tokenize(line: string, lineStart: number): Token[] {
  const tokens: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) tokens.push({ text: m[0], range: { start: lineStart + m.index, end: lineStart + m.index + m[0].length } });
  return tokens;
}

/** ipvsadm abbreviates big counters: `12345K` = 12345 × 1000 (print_largenum). */
function parseLargeNumber(text: string): number | undefined {
  const m = /^(\d+)([KMGT]?)$/.exec(text);
  if (!m) return undefined;
  const scale = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * scale;
}

/** `gue:6080:+c` / `ipip` / `gre:r+c`, the TunnelInfo column (ipvsadm.c fwd_tun_info). */
function parseTunnelInfo(text: string): NonNullable<IpvsReal['tunnel']> {
  const [type, ...rest] = text.split(':');
  const port = rest.find((p) => /^\d+$/.test(p));
  const flags = rest.find((p) => !/^\d+$/.test(p));
  const csum = flags === '+c' ? 'csum' : flags === 'r+c' ? 'remcsum' : flags !== undefined ? 'nocsum' : undefined;
  return { type: (type === 'gue' || type === 'gre' ? type : 'ipip'), ...(port ? { port: Number(port) } : {}), ...(csum ? { csum } : {}) };
}

interface Endpoint {
  readonly addr: string;
  readonly port: number | undefined;
  readonly family: 'ip' | 'ip6';
  readonly portName?: string;
  readonly hostName?: boolean;
}

/** `10.0.0.1:80`, `10.0.0.1` (port 0), `[2001:db8::1]:80`, or `host:http` from a non-numeric listing. */
export function parseEndpoint(text: string): Endpoint | undefined {
  let addr: string;
  let portText: string | undefined;
  let family: 'ip' | 'ip6';
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    addr = bracketed[1] as string;
    portText = bracketed[2];
    if (!isIPv6(addr)) return undefined;
    family = 'ip6';
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') !== colon) return undefined; // a bare IPv6 address must be bracketed
    addr = colon >= 0 ? text.slice(0, colon) : text;
    portText = colon >= 0 ? text.slice(colon + 1) : undefined;
    family = 'ip';
  }
  const hostName = family === 'ip' && !isIPv4(addr);
  // A host name has a letter somewhere (`10.0.0.300` is a bad address, not a name).
  if (hostName && (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(addr) || !/[a-zA-Z]/.test(addr))) return undefined;
  const base = hostName ? { addr, family, hostName } : { addr, family };
  if (portText === undefined || portText === '') return { ...base, port: undefined };
  if (/^\d+$/.test(portText)) return Number(portText) <= 65535 ? { ...base, port: Number(portText) } : undefined;
  return /^[a-zA-Z][a-zA-Z0-9._-]*$/.test(portText) ? { ...base, port: undefined, portName: portText } : undefined;
}

function newService(fields: Pick<ServiceState, 'protocol'> & Partial<Pick<ServiceState, 'addr' | 'port' | 'fwmark' | 'family'>>, range: SourceRange): ServiceState {
  return { kind: 'ipvs-service', ...fields, scheduler: DEFAULT_SCHEDULER, flags: [], reals: [], range };
}

function serviceKey(s: Pick<ServiceState, 'protocol' | 'addr' | 'port' | 'fwmark' | 'family'>): string {
  return s.protocol === 'fwm' ? `fwm ${s.family} ${s.fwmark}` : `${s.protocol} ${s.addr} ${s.port}`;
}

export function describeService(s: Pick<IpvsService, 'protocol' | 'addr' | 'port' | 'fwmark' | 'family'>): string {
  if (s.protocol === 'fwm') return `FWM ${s.fwmark}${s.family === 'ip6' ? ' IPv6' : ''}`;
  const addr = s.family === 'ip6' ? `[${s.addr}]` : s.addr;
  return `${s.protocol.toUpperCase()} ${addr}:${s.port}`;
}

// ───────────── command lines ─────────────

interface ServiceSpec {
  readonly protocol: Exclude<Protocol, 'fwm'> | 'fwm';
  readonly value: Token;
  readonly ipv6: boolean;
}

interface CommandLine {
  command?: 'A' | 'E' | 'D' | 'C' | 'a' | 'e' | 'd' | 'list';
  service?: ServiceSpec;
  options: Map<string, Token | true>;
  errors: { message: { code: string; message: string }; range: SourceRange }[];
}

/** Options of ipvsadm (ipvsadm.c parse_options, popt table): canonical short name and whether it takes a value. */
const OPTIONS: Readonly<Record<string, readonly [string, 'value' | 'flag' | 'optional']>> = lookupTable({
  '-A': ['A', 'flag'], '--add-service': ['A', 'flag'],
  '-E': ['E', 'flag'], '--edit-service': ['E', 'flag'],
  '-D': ['D', 'flag'], '--delete-service': ['D', 'flag'],
  '-C': ['C', 'flag'], '--clear': ['C', 'flag'],
  '-a': ['a', 'flag'], '--add-server': ['a', 'flag'],
  '-e': ['e', 'flag'], '--edit-server': ['e', 'flag'],
  '-d': ['d', 'flag'], '--delete-server': ['d', 'flag'],
  '-L': ['list', 'flag'], '-l': ['list', 'flag'], '--list': ['list', 'flag'], '-S': ['list', 'flag'], '--save': ['list', 'flag'],
  '-Z': ['list', 'flag'], '--zero': ['list', 'flag'], '-n': ['n', 'flag'], '--numeric': ['n', 'flag'],
  '-t': ['t', 'value'], '--tcp-service': ['t', 'value'],
  '-u': ['u', 'value'], '--udp-service': ['u', 'value'],
  '--sctp-service': ['sctp', 'value'],
  '-f': ['f', 'value'], '--fwmark-service': ['f', 'value'],
  '-6': ['6', 'flag'], '--ipv6': ['6', 'flag'],
  '-s': ['s', 'value'], '--scheduler': ['s', 'value'],
  '-p': ['p', 'optional'], '--persistent': ['p', 'optional'],
  '-M': ['M', 'value'], '--netmask': ['M', 'value'],
  '--pe': ['pe', 'value'],
  '-b': ['b', 'value'], '--sched-flags': ['b', 'value'],
  '-o': ['o', 'flag'], '--ops': ['o', 'flag'],
  '-r': ['r', 'value'], '--real-server': ['r', 'value'],
  '-g': ['g', 'flag'], '--gatewaying': ['g', 'flag'],
  '-i': ['i', 'flag'], '--ipip': ['i', 'flag'],
  '-m': ['m', 'flag'], '--masquerading': ['m', 'flag'],
  '-w': ['w', 'value'], '--weight': ['w', 'value'],
  '-x': ['x', 'value'], '--u-threshold': ['x', 'value'],
  '-y': ['y', 'value'], '--l-threshold': ['y', 'value'],
  '--tun-type': ['tun-type', 'value'], '--tun-port': ['tun-port', 'value'],
  '--tun-nocsum': ['tun-nocsum', 'flag'], '--tun-csum': ['tun-csum', 'flag'], '--tun-remcsum': ['tun-remcsum', 'flag'],
});

const COMMAND_OPTIONS = new Set(['A', 'E', 'D', 'C', 'a', 'e', 'd', 'list']);

function readCommandLine(args: readonly Token[]): CommandLine {
  const line: CommandLine = { options: new Map(), errors: [] };
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as Token;
    // popt also accepts `--weight=3` and `-w3`.
    const eq = token.text.startsWith('--') ? token.text.indexOf('=') : -1;
    let name = eq > 0 ? token.text.slice(0, eq) : token.text;
    let inline: Token | undefined = eq > 0 ? { text: token.text.slice(eq + 1), range: { start: token.range.start + eq + 1, end: token.range.end } } : undefined;
    if (!OPTIONS[name] && /^-[a-zA-Z]./.test(name) && OPTIONS[name.slice(0, 2)]?.[1] === 'value') {
      inline = { text: name.slice(2), range: { start: token.range.start + 2, end: token.range.end } };
      name = name.slice(0, 2);
    }
    const spec = OPTIONS[name];
    if (!spec) {
      line.errors.push({ message: IPV.unknownOption(token.text), range: token.range });
      continue;
    }
    const [key, arity] = spec;
    let value: Token | true = true;
    if (arity === 'value') {
      const next = inline ?? args[i + 1];
      if (!next) {
        line.errors.push({ message: IPV.missingValue(name), range: token.range });
        continue;
      }
      if (!inline) i++;
      value = next;
    } else if (arity === 'optional') {
      const next = inline ?? args[i + 1];
      if (next && /^\d+$/.test(next.text)) {
        if (!inline) i++;
        value = next;
      }
    }
    if (COMMAND_OPTIONS.has(key)) {
      if (!line.command || line.command === 'list') line.command = key as CommandLine['command'];
    } else if (key === 't' || key === 'u' || key === 'sctp' || key === 'f') {
      const protocol = key === 't' ? 'tcp' : key === 'u' ? 'udp' : key === 'sctp' ? 'sctp' : 'fwm';
      line.service = { protocol, value: value as Token, ipv6: line.service?.ipv6 ?? false };
    } else {
      line.options.set(key, value);
    }
  }
  if (line.service && line.options.has('6')) line.service = { ...line.service, ipv6: true };
  return line;
}

function applyServiceOptions(service: ServiceState, options: ReadonlyMap<string, Token | true>): void {
  const text = (name: string): string | undefined => {
    const v = options.get(name);
    return v && v !== true ? v.text : undefined;
  };
  const scheduler = text('s');
  if (scheduler) service.scheduler = scheduler;
  if (options.has('p')) {
    const timeout = text('p');
    service.persistent = { timeout: timeout ? Number(timeout) : DEFAULT_PERSISTENCE };
  }
  const netmask = text('M');
  if (netmask && service.persistent) service.persistent = { ...service.persistent, netmask };
  const pe = text('pe');
  if (pe) service.pe = pe;
  const schedFlags = text('b');
  const flags = schedFlags ? schedFlags.split(',').filter((f) => f !== '') : [];
  if (options.has('o')) flags.push('ops');
  if (flags.length > 0) service.flags = flags;
}

function freezeService(s: ServiceState): IpvsService {
  const { reals, flags, stats, notShown, ...rest } = s;
  return {
    ...rest,
    ...(flags.length > 0 ? { flags } : {}),
    ...(stats ? { stats } : {}),
    ...(notShown ? { notShown } : {}),
    reals: reals.map((r) => ({ ...r })),
  };
}
