#!/usr/bin/python3
"""Kernel-oracle namespace agent: one long-lived process per test namespace, started by kernelOracle.ts with
`ip netns exec NS /usr/bin/python3 nsAgent.py`. It reads one JSON request per line on stdin and answers one
JSON line on stdout, so the harness pays a process start once per session instead of once per ruleset.

Requests ({"op": ...}):
  nft      {cmd, json?, handles?, dryRun?}  run nft commands through libnftables (same library as the nft tool)
  flushct  {}                               delete every conntrack entry of this namespace (like `conntrack -F`)
  sysctl   {key, value}                     write /proc/sys/<key> (per-namespace for net.*)
  exec     {argv, stdin?}                   run a program (iptables-nft-restore, ip route ...)
  send     {packets, mode, ...}             send crafted packets (pkt.py), see send() below
  bye      {}                               exit
`nsAgent.py --exec PROG ARGS...` instead execs PROG after asking the kernel to kill it when its parent dies
(PR_SET_PDEATHSIG): the harness starts `nft monitor trace` that way, so a crashed test run leaves no monitor.
The agent pins itself to one CPU (the lowest allowed one, the same for every agent of a session): packets
then sit in one per-CPU backlog and the kernel processes them, and emits their trace events, in send order.
"""
import ctypes
import errno
import json
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkt  # noqa: E402

# Locally generated test packets are sent from a socket created with this fsgid; the tracer table matches
# `meta skgid` on it, so replies the kernel generates by itself (RST, ICMP errors) are not traced.
# Keep in sync with LOCAL_TRACE_GID in topology.ts.
LOCAL_TRACE_GID = 29457

NFT_CTX_OUTPUT_HANDLE = 1 << 3   # include/nftables/libnftables.h, enum nft_output_flags
NFT_CTX_OUTPUT_JSON = 1 << 4


class Nft:
    def __init__(self):
        lib = ctypes.CDLL('libnftables.so.1')
        lib.nft_ctx_new.restype = ctypes.c_void_p
        lib.nft_ctx_new.argtypes = [ctypes.c_uint32]
        lib.nft_ctx_free.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_buffer_output.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_buffer_error.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_get_output_buffer.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_get_output_buffer.restype = ctypes.c_char_p
        lib.nft_ctx_get_error_buffer.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_get_error_buffer.restype = ctypes.c_char_p
        lib.nft_ctx_output_set_flags.argtypes = [ctypes.c_void_p, ctypes.c_uint]
        lib.nft_ctx_set_dry_run.argtypes = [ctypes.c_void_p, ctypes.c_bool]
        lib.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.nft_run_cmd_from_buffer.restype = ctypes.c_int
        self.lib = lib

    def run(self, cmd, json_out=False, handles=False, dry_run=False):
        # a fresh context per call: no cache can survive a ruleset change made by another tool
        lib = self.lib
        ctx = lib.nft_ctx_new(0)
        try:
            lib.nft_ctx_buffer_output(ctx)
            lib.nft_ctx_buffer_error(ctx)
            lib.nft_ctx_output_set_flags(ctx, (NFT_CTX_OUTPUT_JSON if json_out else 0) |
                                         (NFT_CTX_OUTPUT_HANDLE if handles else 0))
            if dry_run:
                lib.nft_ctx_set_dry_run(ctx, True)
            rc = lib.nft_run_cmd_from_buffer(ctx, cmd.encode())
            out = (lib.nft_ctx_get_output_buffer(ctx) or b'').decode(errors='replace')
            err = (lib.nft_ctx_get_error_buffer(ctx) or b'').decode(errors='replace')
            return dict(ok=rc == 0, rc=rc, out=out, err=err)
        finally:
            lib.nft_ctx_free(ctx)


def flush_conntrack():
    # ctnetlink: IPCTNL_MSG_CT_DELETE without a tuple flushes the table (what `conntrack -F` sends);
    # done here so the harness does not depend on conntrack-tools being installed.
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
    try:
        s.bind((0, 0))
        msg_type = (1 << 8) | 2                  # NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE
        flags = 0x1 | 0x4                         # NLM_F_REQUEST | NLM_F_ACK
        body = struct.pack('BBH', socket.AF_UNSPEC, 0, 0)   # nfgenmsg: all families, NFNETLINK_V0
        s.send(struct.pack('=IHHII', 16 + len(body), msg_type, flags, 1, 0) + body)
        reply = s.recv(65536)
        _, typ, _, _, _ = struct.unpack('=IHHII', reply[:16])
        err = struct.unpack('=i', reply[16:20])[0] if typ == 2 else 0   # NLMSG_ERROR
        return dict(ok=err == 0, err='' if err == 0 else os.strerror(-err))
    finally:
        s.close()


class Sender:
    def __init__(self):
        self.packet_socks = {}
        self.raw = None
        self.raw6 = None

    def packet_sock(self, ifname):
        s = self.packet_socks.get(ifname)
        if s is None:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((ifname, 0))
            self.packet_socks[ifname] = s
        return s

    def raw_sock(self, six=False):
        if six:
            if self.raw6 is None:
                # IPPROTO_RAW implies IPV6_HDRINCL (Linux 4.5+): the header, flow label included, is sent as built
                self.raw6 = self.with_trace_gid(lambda: socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW))
            return self.raw6
        if self.raw is None:
            self.raw = self.with_trace_gid(lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW))
            self.raw.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)   # else EACCES for x.x.x.255
        return self.raw

    @staticmethod
    def with_trace_gid(make):
        # the socket's file keeps the credentials it was created with: that is what `meta skgid` reads
        os.setegid(LOCAL_TRACE_GID)
        try:
            return make()
        finally:
            os.setegid(0)

    def send(self, req):
        """mode 'ether': Ethernet frames out of req['ifname'] from req['srcMac'] to req['dstMac']
        (the packet arrives on the peer as if from a router); mode 'local': raw IP socket, OUTPUT path."""
        n = 0
        errors = []
        for spec in req['packets']:
            ip = pkt.build_ip(spec)
            if req['mode'] == 'ether':
                self.packet_sock(req['ifname']).send(pkt.build_frame(req['dstMac'], req['srcMac'], ip))
            else:
                try:
                    six = spec.get('family') == 'ip6'
                    self.raw_sock(six).sendto(ip, (spec['daddr'], 0, 0, 0) if six else (spec['daddr'], 0))
                except OSError as e:
                    # EPERM: an OUTPUT/POSTROUTING rule dropped it (traced); ENETUNREACH: no route, so it never
                    # reached OUTPUT (untraced). Reported per packet id.
                    errors.append([spec['id'], errno.errorcode.get(e.errno, str(e.errno))])
            n += 1
        return dict(ok=True, sent=n, errors=errors)


def die_with_parent():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, 9, 0, 0, 0)   # PR_SET_PDEATHSIG, SIGKILL


def main():
    die_with_parent()
    if len(sys.argv) > 2 and sys.argv[1] == '--exec':
        os.execvp(sys.argv[2], sys.argv[2:])
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[0]})
    nft = None
    sender = Sender()
    out = sys.stdout
    out.write(json.dumps(dict(ok=True, ready=True, pid=os.getpid(), cpu=cpus[0])) + '\n')
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req['op']
            if op == 'nft':
                nft = nft or Nft()
                res = nft.run(req['cmd'], req.get('json', False), req.get('handles', False), req.get('dryRun', False))
            elif op == 'flushct':
                res = flush_conntrack()
            elif op == 'sysctl':
                with open('/proc/sys/' + req['key'], 'w') as f:   # key as a path: net/ipv4/ip_forward
                    f.write(str(req['value']))
                res = dict(ok=True)
            elif op == 'exec':
                p = subprocess.run(req['argv'], input=(req.get('stdin') or '').encode(), capture_output=True)
                res = dict(ok=p.returncode == 0, rc=p.returncode, out=p.stdout.decode(errors='replace'),
                           err=p.stderr.decode(errors='replace'))
            elif op == 'send':
                res = sender.send(req)
            elif op == 'bye':
                out.write(json.dumps(dict(ok=True)) + '\n')
                out.flush()
                return
            else:
                res = dict(ok=False, err='unknown op %r' % op)
        except Exception as e:  # the harness reports it; the agent keeps serving
            res = dict(ok=False, err='%s: %s' % (type(e).__name__, e))
        out.write(json.dumps(res) + '\n')
        out.flush()


if __name__ == '__main__':
    main()
