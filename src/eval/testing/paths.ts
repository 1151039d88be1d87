// Test helper: a trace reduced to the kernel-visible path as short strings (`input#3 jump from_client`,
// `input policy drop`), the form packet-table tests assert on (kube-proxy packetFlowTest style).
import { kernelVerdict } from '../format.ts';
import type { Trace } from '../trace.ts';

/** Matched rules (with their verdict, `continue` included) and policies, as `chain#N verdict` /
 *  `chain policy verdict`; prefixed with `table/` when `withTable`. */
export function pathOf(trace: Trace, withTable = false): string[] {
  const out: string[] = [];
  for (const s of trace.steps) {
    const where = `${withTable ? `${s.table}/` : ''}${s.chain}`;
    if (s.kind === 'rule' && (s.result === 'match' || s.assumed === 'match') && s.verdict) out.push(`${where}#${(s.ruleIndex ?? 0) + 1} ${kernelVerdict(s.verdict)}`);
    else if (s.kind === 'policy' && s.verdict) out.push(`${where} policy ${kernelVerdict(s.verdict)}`);
  }
  return out;
}

/** Hooks whose base chains ran, in order, without repeats in a row. */
export function hooksOf(trace: Trace): string[] {
  const out: string[] = [];
  for (const s of trace.steps) if (s.kind === 'hook' && s.hook && out[out.length - 1] !== s.hook) out.push(s.hook);
  return out;
}
