// Shared helpers for kernel-oracle tests: whether to run (root + tools) or skip with the reason — and under
// CI=true never skip: an unavailable oracle fails loudly. Test-only; imports oracle modules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ORACLE_DIR } from './agent.ts';
import { oracleAvailable, type KernelStep, type KernelTrace, type WirePacket } from './kernelOracle.ts';

const availability = oracleAvailable();
const requireOracle = process.env.CI === 'true';

/** True when the kernel-oracle tests must be skipped (not root, no nft ...) and CI does not demand them. */
export const skipOracle = !availability.ok && !requireOracle;

/** Suite title carrying the skip reason, so a skipped run says why. */
export function oracleSuiteTitle(title: string): string {
  return availability.ok ? title : `${title} [${requireOracle ? 'CI: REQUIRED BUT' : 'skipped:'} ${availability.reason}]`;
}

/** Call in beforeAll: under CI an unavailable oracle is an error, not a skip. */
export function assertOracleAvailable(): void {
  if (!availability.ok) throw new Error(`kernel oracle unavailable under CI=true: ${availability.reason}`);
}

export function fixture(name: string): string {
  return readFileSync(join(ORACLE_DIR, 'fixtures', name), 'utf8');
}

/** A remote packet (from the client namespace) with the kit's defaults; family ip6 when the source is an IPv6 address. */
export function remote(id: number, protocol: WirePacket['protocol'], saddr: string, daddr: string, sport?: number, dport?: number, extra: Partial<WirePacket> = {}): WirePacket {
  return { id, origin: 'remote', family: saddr.includes(':') ? 'ip6' : 'ip', protocol, saddr, daddr, ...(sport !== undefined ? { sport, dport: dport! } : {}), ...extra } as WirePacket;
}

export function local(id: number, protocol: WirePacket['protocol'], saddr: string, daddr: string, sport?: number, dport?: number, extra: Partial<WirePacket> = {}): WirePacket {
  return { ...remote(id, protocol, saddr, daddr, sport, dport, extra), origin: 'local' };
}

/** A path in a compact comparable form: `chain kind handle verdict` per step (packet steps: `chain packet`). */
export function pathOf(steps: readonly KernelStep[]): string[] {
  return steps.map((s) => [s.chain, s.kind, s.handle ?? '', s.verdict ?? ''].join(' ').trim());
}

/** Like pathOf, with rule texts instead of handles (counters stripped): comparable across rulesets whose handles
 * differ. */
export function textPathOf(steps: readonly KernelStep[]): string[] {
  return steps.map((s) =>
    s.kind === 'packet' ? `${s.chain} packet` : `${s.chain} ${s.kind} ${stripCounters(s.kind === 'rule' ? s.text : '')} => ${s.verdict ?? ''}`.replace(/\s+/g, ' '),
  );
}

export function stripCounters(text: string): string {
  return text.replace(/ counter packets \d+ bytes \d+/g, ' counter').trim();
}

/** Chains, in order, in which the packet's trace has a `packet:` line. */
export function chainsEntered(t: KernelTrace): string[] {
  return t.steps.filter((s) => s.kind === 'packet').map((s) => s.chain);
}
