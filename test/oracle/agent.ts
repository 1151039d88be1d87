// Node side of nsAgent.py: one long-lived Python process per namespace, JSON request/response over its stdin and
// stdout, plus the trace monitor process. Node-only; imports only oracle modules.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3'; // not the PATH one: a pyenv shim there costs ~55 ms per start
export const ORACLE_DIR = dirname(fileURLToPath(import.meta.url));
export const AGENT_PY = join(ORACLE_DIR, 'nsAgent.py');

export interface AgentReply {
  ok: boolean;
  err?: string;
  out?: string;
  rc?: number;
  [key: string]: unknown;
}

export class Agent {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private readonly waiting: ((r: AgentReply) => void)[] = [];
  private stderr = '';
  private exited = false;
  readonly ready: Promise<AgentReply>;

  constructor(readonly namespace: string) {
    this.child = spawn('ip', ['netns', 'exec', namespace, PYTHON, AGENT_PY], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (d: string) => (this.stderr += d));
    this.child.stdout.on('data', (d: string) => this.onData(d));
    this.child.on('exit', (code) => {
      this.exited = true;
      const err = `agent in ${namespace} exited (${code}): ${this.stderr.trim()}`;
      for (const w of this.waiting.splice(0)) w({ ok: false, err });
    });
    this.ready = new Promise((resolve) => this.waiting.push(resolve));
  }

  private onData(d: string): void {
    this.buffer += d;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const w = this.waiting.shift();
      if (!w) continue;
      try {
        w(JSON.parse(line) as AgentReply);
      } catch {
        w({ ok: false, err: `agent sent a non-JSON line: ${line}` });
      }
    }
  }

  /** Requests are answered in order; one request at a time per agent is the caller's rule. */
  request(req: Record<string, unknown>): Promise<AgentReply> {
    if (this.exited) return Promise.resolve({ ok: false, err: `agent in ${this.namespace} is gone: ${this.stderr.trim()}` });
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  async must(req: Record<string, unknown>): Promise<AgentReply> {
    const r = await this.request(req);
    if (!r.ok) throw new Error(`agent ${String(req.op)} in ${this.namespace}: ${r.err || r.out || 'failed'}`);
    return r;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end(JSON.stringify({ op: 'bye' }) + '\n');
    const timer = setTimeout(() => this.kill(), 2000);
    await gone;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited && this.child.pid) process.kill(this.child.pid, 'SIGKILL');
  }
}

/** `nft -a monitor trace` in a namespace, its output kept in memory line by line. Started on an empty
 * ruleset, its cache never holds a rule, so every rule event reads `unknown rule handle N (verdict V)` and can
 * never show a stale text after a reload that reuses handles; rule texts come from the listing instead. */
export class TraceMonitor {
  private readonly child: ChildProcessWithoutNullStreams;
  private partial = '';
  readonly lines: string[] = [];
  private watchers: { test: (line: string) => boolean; resolve: () => void }[] = [];
  private stderr = '';
  private exited = false;

  constructor(readonly namespace: string) {
    // stdbuf -oL: nft writes each line as it prints it, so a marker line proves the lines before it arrived
    this.child = spawn('ip', ['netns', 'exec', namespace, PYTHON, AGENT_PY, '--exec', 'stdbuf', '-oL', 'nft', '-a', 'monitor', 'trace'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (d: string) => (this.stderr += d));
    this.child.stdout.on('data', (d: string) => this.onData(d));
    this.child.on('exit', () => (this.exited = true));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private onData(d: string): void {
    const parts = (this.partial + d).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.watchers.length) {
        this.watchers = this.watchers.filter((w) => {
          if (!w.test(line)) return true;
          w.resolve();
          return false;
        });
      }
    }
  }

  /** The monitor's netlink socket row in /proc/PID/net/netlink (the namespace's table, seen through the
   * monitor process itself): [groups, drops], or undefined before it exists. Columns: sk Eth Pid Groups Rmem
   * Wmem Dump Locks Drops Inode. */
  private socketRow(): { groups: number; drops: number } | undefined {
    let text: string;
    try {
      text = readFileSync(`/proc/${this.pid}/net/netlink`, 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n')) {
      const f = line.trim().split(/\s+/);
      // protocol 12 = NETLINK_NETFILTER; port id = pid for a process' first socket
      if (f[1] === '12' && f[2] === String(this.pid)) return { groups: parseInt(f[3]!, 16), drops: Number(f[8]) };
    }
    return undefined;
  }

  /** Resolves once the monitor's socket has joined NFNLGRP_NFTRACE (group 9 => bit 0x100): from then on no
   * trace event is missed. Polls the kernel's own table, no fixed sleep (kernel-oracle.md). */
  async ready(timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    for (;;) {
      const row = this.socketRow();
      if (row && row.groups & 0x100) return;
      if (this.exited) throw new Error(`nft monitor trace exited: ${this.stderr.trim()}`);
      if (Date.now() - start > timeoutMs) throw new Error('nft monitor trace did not subscribe to trace events in time');
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Messages the kernel could not queue to the monitor (ENOBUFS): non-zero means lost trace lines. */
  drops(): number {
    return this.socketRow()?.drops ?? 0;
  }

  /** Resolves when a line satisfying `test` arrives (lines already received are checked too). `abort` is
   * polled meanwhile: an error it returns rejects the wait at once. */
  waitForLine(test: (line: string) => boolean, timeoutMs: number, what: string, abort?: () => Error | undefined): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const start = Date.now();
      const stop = () => {
        clearInterval(poll);
        this.watchers = this.watchers.filter((w) => w.resolve !== done);
      };
      const poll = setInterval(() => {
        const err = abort?.();
        if (err) {
          stop();
          reject(err);
        } else if (this.exited || Date.now() - start > timeoutMs) {
          stop();
          reject(new Error(`${this.exited ? 'nft monitor exited' : `timed out after ${timeoutMs} ms`} waiting for ${what} ${this.stderr.trim()}`));
        }
      }, 20);
      const done = () => {
        clearInterval(poll);
        resolve();
      };
      this.watchers.push({ test, resolve: done });
    });
  }

  /** Takes the lines received so far (the caller parses them). */
  take(): string[] {
    return this.lines.splice(0);
  }

  async stop(): Promise<void> {
    if (this.exited || !this.child.pid) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    process.kill(this.child.pid, 'SIGTERM');
    await gone;
  }
}
