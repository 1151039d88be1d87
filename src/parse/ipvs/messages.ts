// Message catalogue of the ipvsadm parser: stable codes (IPV1xxx errors, IPV2xxx warnings, IPV3xxx info).
// Pure data; imports nothing.

export const IPV = {
  unexpectedLine: (line: string) => ({ code: 'IPV1001', message: `'${line}' is not a line of 'ipvsadm -Ln' or 'ipvsadm -Sn' output` }),
  badAddress: (text: string) => ({ code: 'IPV1002', message: `'${text}' is not an address:port (IPv6 goes in brackets: [2001:db8::1]:80)` }),
  badNumber: (what: string, text: string) => ({ code: 'IPV1003', message: `'${text}' is not a valid ${what}` }),
  badForward: (text: string) => ({ code: 'IPV1004', message: `unknown forwarding method '${text}' (Masq, Route, Tunnel, Local, Bypass)` }),
  realWithoutService: () => ({ code: 'IPV1005', message: 'real server line before any virtual service line' }),
  missingColumns: (what: string) => ({ code: 'IPV1006', message: `missing columns: expected ${what}` }),
  unknownOption: (option: string) => ({ code: 'IPV1007', message: `unknown ipvsadm option '${option}'` }),
  missingValue: (option: string) => ({ code: 'IPV1008', message: `option '${option}' needs a value` }),
  noService: (what: string) => ({ code: 'IPV1009', message: `${what}: no virtual service given (-t, -u, --sctp-service or -f)` }),
  serviceNotDefined: (service: string) => ({ code: 'IPV1010', message: `virtual service ${service} is not defined before this line` }),
  noCommand: () => ({ code: 'IPV1011', message: 'no ipvsadm command (-A, -E, -D, -C, -a, -e, -d) on this line' }),
  noRealServer: () => ({ code: 'IPV1012', message: 'a real server command needs -r ADDRESS[:PORT]' }),
  duplicateService: (service: string) => ({ code: 'IPV2001', message: `virtual service ${service} is added twice; the later line wins` }),
  unknownServiceFlag: (flag: string) => ({ code: 'IPV2002', message: `unknown service flag '${flag}' kept as is` }),
  portName: (name: string) => ({ code: 'IPV2003', message: `port name '${name}' is not known; use 'ipvsadm -Ln' (numeric) output` }),
  hostName: (name: string) => ({ code: 'IPV2005', message: `'${name}' is a host name, not an address; use 'ipvsadm -Ln' (numeric) output` }),
  missingReal: (real: string) => ({ code: 'IPV2004', message: `real server ${real} is not in this service` }),
  ignoredListing: (what: string) => ({ code: 'IPV3001', message: `${what} is not modelled; ignored` }),
  notShown: (fields: string) => ({ code: 'IPV3002', message: `this listing does not show ${fields}; ipvsadm's defaults are assumed` }),
} as const;
