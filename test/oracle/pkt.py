#!/usr/bin/python3
"""Kernel-oracle packet crafter: builds IPv4 TCP/UDP/ICMP and IPv6 TCP/UDP/ICMPv6 packets byte by byte (no scapy) so a test controls
every field the rules can see (addresses, ports, TCP flags, ICMP type/code, TTL, total length, IP id).
Modelled on the reference kit's pkt.py (/work/shared/oracle/pkt.py); this one adds Ethernet framing, because
the harness sends from an AF_PACKET socket with a dedicated source MAC (see nsAgent.py and README.md).

Library use: build_ip(spec) -> bytes, build_frame(dst_mac, src_mac, ip_bytes) -> bytes, where spec is a dict
  {id, family: ip|ip6, protocol: tcp|udp|icmp|icmpv6, saddr, daddr, sport, dport, tcpFlags: [..], icmpType,
   icmpCode, ttl, length, dscp}
IPv6 has no IP id: the id goes into the flow label (the trace's `packet:` line prints `ip6 flowlabel N`), and
`ttl` is the hop limit. `length` is the whole packet's length (IPv6: 40 + payload length).
Command line (for humans; traffic only makes sense inside a namespace you created):
  pkt.py tcp SRC DST SPORT DPORT [FLAGS]     FLAGS like the kit: letters FSRPAUEC, default S
  pkt.py udp SRC DST SPORT DPORT
  pkt.py icmp SRC DST [TYPE [CODE]]
  pkt.py batch FILE [FIRST_IPID]             one spec per line; packet k gets IP id FIRST_IPID+k
Single packets and batches go out through a raw IP socket (IP_HDRINCL), like the kit."""
import socket
import struct
import sys

TCP_FLAG_BITS = dict(fin=1, syn=2, rst=4, psh=8, ack=16, urg=32, ecn=64, cwr=128)
KIT_FLAG_LETTERS = dict(F='fin', S='syn', R='rst', P='psh', A='ack', U='urg', E='ecn', C='cwr')
PROTO = dict(icmp=1, tcp=6, udp=17, icmpv6=58)
ICMP6_ERRORS = (1, 2, 3, 4)


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4_header(src, dst, proto, payload_len, ident, ttl, tos=0):
    # IP id 0 would be replaced by the kernel on the raw-socket path, and the harness maps traces by IP id.
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, tos, 20 + payload_len, ident, 0, ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]


def ip6_header(src, dst, nexthdr, payload_len, flowlabel, hoplimit, tclass=0):
    first = (6 << 28) | (tclass << 20) | (flowlabel & 0xfffff)
    return struct.pack('!IHBB16s16s', first, payload_len, nexthdr, hoplimit,
                       socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst))


def is6(addr):
    return ':' in addr


def pseudo(src, dst, proto, l4_len):
    if is6(src):
        # RFC 8200 8.1: addresses, 32-bit upper-layer length, 3 zero bytes, next header
        return (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) +
                struct.pack('!IBBBB', l4_len, 0, 0, 0, proto))
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, proto, l4_len)


def tcp_segment(src, dst, sport, dport, flags, data, seq=1000):
    bits = 0
    for f in flags:
        bits |= TCP_FLAG_BITS[f]
    # ack number set only when ACK is present, as a real stack would
    ack = 1 if bits & TCP_FLAG_BITS['ack'] else 0
    h = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, bits, 65535, 0, 0) + data
    c = csum(pseudo(src, dst, 6, len(h)) + h)
    return h[:16] + struct.pack('!H', c) + h[18:]


def udp_datagram(src, dst, sport, dport, data):
    h = struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
    c = csum(pseudo(src, dst, 17, len(h)) + h) or 0xffff
    return h[:6] + struct.pack('!H', c) + h[8:]


def icmp_message(typ, code, ident, data, src, dst):
    if typ in (3, 4, 5, 11, 12):
        # error messages quote an offending datagram: a UDP packet the receiver supposedly sent to us,
        # so conntrack can parse the inner header (it then finds no matching flow)
        inner_udp = struct.pack('!HHHH', 53, 33434, 8, 0)
        inner = ip4_header(dst, src, 17, len(inner_udp), 1, 64) + inner_udp
        h = struct.pack('!BBHI', typ, code, 0, 0) + inner + data
    else:
        h = struct.pack('!BBHHH', typ, code, 0, ident, 1) + data
    return h[:2] + struct.pack('!H', csum(h)) + h[4:]


def icmp6_message(typ, code, ident, data, src, dst):
    if typ in ICMP6_ERRORS:
        # an error quotes an offending packet: a UDP datagram the receiver supposedly sent to us
        inner_udp = struct.pack('!HHHH', 53, 33434, 8, 0)
        inner = ip6_header(dst, src, 17, len(inner_udp), 0, 64) + inner_udp
        h = struct.pack('!BBHI', typ, code, 0, 0) + inner + data
    else:
        h = struct.pack('!BBHHH', typ, code, 0, ident, 1) + data
    c = csum(pseudo(src, dst, 58, len(h)) + h)
    return h[:2] + struct.pack('!H', c) + h[4:]


def build_ip6(spec):
    proto = spec['protocol']
    src, dst = spec['saddr'], spec['daddr']
    ident = int(spec['id'])
    hoplimit = int(spec.get('ttl') or 64)
    want = spec.get('length')
    typ = int(spec.get('icmpType', 128))
    base = dict(tcp=20, udp=8, icmpv6=8)[proto] + 40
    if proto == 'icmpv6' and typ in ICMP6_ERRORS:
        base += 48
    data = b'x' if want is None else b'x' * max(0, int(want) - base)
    if proto == 'tcp':
        l4 = tcp_segment(src, dst, int(spec['sport']), int(spec['dport']), spec.get('tcpFlags') or ['syn'],
                         b'' if want is None else data)
    elif proto == 'udp':
        l4 = udp_datagram(src, dst, int(spec['sport']), int(spec['dport']), data)
    elif proto == 'icmpv6':
        l4 = icmp6_message(typ, int(spec.get('icmpCode', 0)), ident & 0xffff, b'ping' if want is None else data, src, dst)
    else:
        raise ValueError('unsupported IPv6 protocol %r' % proto)
    return ip6_header(src, dst, PROTO[proto], len(l4), ident, hoplimit, int(spec.get('dscp') or 0) << 2) + l4


def build_ip(spec):
    """spec: see module doc. Returns the complete IPv4 or IPv6 packet."""
    if spec.get('family') == 'ip6':
        return build_ip6(spec)
    proto = spec['protocol']
    src, dst = spec['saddr'], spec['daddr']
    ident = int(spec['id'])
    ttl = int(spec.get('ttl') or 64)
    want = spec.get('length')
    base = dict(tcp=20, udp=8, icmp=8)[proto] + 20
    if proto == 'icmp' and int(spec.get('icmpType', 8)) in (3, 4, 5, 11, 12):
        base += 28
    # payload: one byte by default (the kit's 'x'), or padding up to the requested IP total length
    data = b'x' if want is None else b'x' * max(0, int(want) - base)
    if proto == 'tcp':
        l4 = tcp_segment(src, dst, int(spec['sport']), int(spec['dport']), spec.get('tcpFlags') or ['syn'],
                         b'' if want is None else data)
    elif proto == 'udp':
        l4 = udp_datagram(src, dst, int(spec['sport']), int(spec['dport']), data)
    elif proto == 'icmp':
        l4 = icmp_message(int(spec.get('icmpType', 8)), int(spec.get('icmpCode', 0)), ident & 0xffff,
                          b'ping' if want is None else data, src, dst)
    else:
        raise ValueError('unsupported protocol %r' % proto)
    return ip4_header(src, dst, PROTO[proto], len(l4), ident, ttl, int(spec.get('dscp') or 0) << 2) + l4


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(':'))


def build_frame(dst_mac, src_mac, ip_bytes):
    ethertype = 0x86dd if ip_bytes[0] >> 4 == 6 else 0x0800
    return mac_bytes(dst_mac) + mac_bytes(src_mac) + struct.pack('!H', ethertype) + ip_bytes


def spec_from_args(a, ident):
    kind = a[0]
    if kind in ('tcp', 'udp'):
        spec = dict(protocol=kind, saddr=a[1], daddr=a[2], sport=int(a[3]), dport=int(a[4]), id=ident)
        if kind == 'tcp':
            spec['tcpFlags'] = [KIT_FLAG_LETTERS[c] for c in (a[5] if len(a) > 5 else 'S')]
        return spec
    if kind == 'icmp':
        return dict(protocol='icmp', saddr=a[1], daddr=a[2], id=ident,
                    icmpType=int(a[3]) if len(a) > 3 else 8, icmpCode=int(a[4]) if len(a) > 4 else 0)
    raise SystemExit('bad spec %r' % (a,))


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)  # implies IP_HDRINCL
    if argv[1] == 'batch':
        n = int(argv[3]) if len(argv) > 3 else 1
        for line in open(argv[2]):
            a = line.split()
            if not a or a[0].startswith('#'):
                continue
            spec = spec_from_args(a, (n - 1) % 65535 + 1)
            s.sendto(build_ip(spec), (spec['daddr'], 0))
            n += 1
    else:
        spec = spec_from_args(argv[1:], 0x1234)
        s.sendto(build_ip(spec), (spec['daddr'], 0))


if __name__ == '__main__':
    main(sys.argv)
