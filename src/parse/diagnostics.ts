// Building diagnostics as values. Each parser keeps its own message catalogue (`messages.ts`) with stable
// codes under its own prefix: NFT (nft text), NJS (nft JSON), IPT (iptables-save), IPS (ipset),
// IPV (ipvsadm), SRC (format detection / workspace). Imports only the model.
import type { Diagnostic, Severity, SourceRange } from '../model/ir.ts';

export function diagnostic(
  severity: Severity,
  code: string,
  message: string,
  range: SourceRange,
  related?: Diagnostic['related'],
): Diagnostic {
  return related ? { severity, code, message, range, related } : { severity, code, message, range };
}

/** Collects diagnostics, reporting at most one per (offset, code), so that recovery loops that revisit
 *  a position do not flood the user (TypeScript's parser does the same). */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  add(d: Diagnostic): void {
    const key = `${d.range.start}:${d.code}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
  }

  error(code: string, message: string, range: SourceRange, related?: Diagnostic['related']): void {
    this.add(diagnostic('error', code, message, range, related));
  }

  warning(code: string, message: string, range: SourceRange, related?: Diagnostic['related']): void {
    this.add(diagnostic('warning', code, message, range, related));
  }

  info(code: string, message: string, range: SourceRange): void {
    this.add(diagnostic('info', code, message, range));
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}
