// IR IPVS services → `ipvsadm -Sn` rules (what `ipvsadm-save -n` prints and `ipvsadm -R` reads), in
// ipvsadm 1.31's spelling (ipvsadm.c print_service_entry with FMT_RULE): `-A -t ADDR:PORT -s SCHED
// [-p T [-M MASK]] [--pe E] [-o] [-b FLAGS]`, then `-a -t ADDR:PORT -r ADDR:PORT -m|-i|-g -w W`.
// Two additions keep what ipvsadm's own save drops, so that the rules read back the same: `-x`/`-y`
// thresholds when set. `local` and `bypass` reals print as `-g`, as ipvsadm does. Pure; imports the model.
import type { IpvsReal, IpvsService, Ruleset } from '../../model/ir.ts';

export function printIpvsadmSave(ruleset: Ruleset): string {
  const lines: string[] = [];
  for (const service of ruleset.ipvs) {
    const svc = serviceArgs(service);
    let line = `-A ${svc} -s ${service.scheduler}`;
    if (service.persistent) {
      line += ` -p ${service.persistent.timeout}`;
      if (service.persistent.netmask !== undefined) line += ` -M ${service.persistent.netmask}`;
    }
    if (service.pe) line += ` --pe ${service.pe}`;
    const flags = service.flags ?? [];
    if (flags.includes('ops')) line += ' -o';
    const schedFlags = flags.filter((f) => f !== 'ops');
    if (schedFlags.length > 0) line += ` -b ${schedFlags.join(',')}`;
    lines.push(line);
    for (const real of service.reals) lines.push(realLine(svc, real));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function serviceArgs(s: IpvsService): string {
  if (s.protocol === 'fwm') return `-f ${s.fwmark ?? 0}${s.family === 'ip6' ? ' -6' : ''}`;
  const option = s.protocol === 'tcp' ? '-t' : s.protocol === 'udp' ? '-u' : '--sctp-service';
  return `${option} ${endpoint(s.addr ?? '', s.port ?? 0)}`;
}

function endpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

const SWITCH: Readonly<Record<IpvsReal['method'], string>> = { masq: '-m', tunnel: '-i', route: '-g', local: '-g', bypass: '-g' };

function realLine(svc: string, real: IpvsReal): string {
  let line = `-a ${svc} -r ${endpoint(real.addr, real.port)} ${SWITCH[real.method]} -w ${real.weight}`;
  if (real.uThreshold) line += ` -x ${real.uThreshold}`;
  if (real.lThreshold) line += ` -y ${real.lThreshold}`;
  if (real.method === 'tunnel' && real.tunnel) {
    line += ` --tun-type ${real.tunnel.type}`;
    if (real.tunnel.port !== undefined) line += ` --tun-port ${real.tunnel.port}`;
    if (real.tunnel.csum) line += ` --tun-${real.tunnel.csum}`;
  }
  return line;
}
